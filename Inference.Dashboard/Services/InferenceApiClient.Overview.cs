namespace Inference.Dashboard.Services;

/// <summary>The overview's one call.</summary>
public sealed partial class InferenceApiClient
{
    /// <summary>Health, models by state and the last minutes of serving (<c>GET /api/admin/summary</c>, admin scope).</summary>
    public async Task<OverviewSummary> GetSummaryAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/summary");
        return await SendAsync<OverviewSummary>(request, cancellationToken);
    }
}
