namespace Inference.Api.Routing;

/// <summary>Settings under <c>Inference:Traffic</c>.</summary>
public sealed class TrafficOptions
{
    public const string SectionName = "Inference:Traffic";

    /// <summary>How often each replica re-reads the splits from Postgres.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Shadow requests running at once per replica; a request finding every slot taken sends no shadow.</summary>
    public int MaxConcurrentShadowRequests { get; set; } = 4;
}
