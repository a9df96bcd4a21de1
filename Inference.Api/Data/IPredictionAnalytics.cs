namespace Inference.Api.Data;

/// <summary>Aggregates over one model's prediction log in a time window; every implementation answers the same on the same rows.</summary>
public interface IPredictionAnalytics
{
    /// <summary>Per (version, shadow): counts, error rate, latency percentiles (interpolated, as <c>percentile_cont</c>), labels.</summary>
    Task<IReadOnlyList<VersionStatistics>> StatisticsAsync(
        string model, DateTimeOffset from, DateTimeOffset to, int[]? versions, CancellationToken cancellationToken);

    /// <summary>Per bucket of <paramref name="bucket"/> counted from <paramref name="from"/>, version and shadow; ordered by start, shadow, version.</summary>
    Task<IReadOnlyList<AnalyticsBucket>> BucketsAsync(
        string model, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken);

    /// <summary>Agreement of every (served, shadow) version pair over the window; only <paramref name="versions"/> when given.</summary>
    Task<IReadOnlyList<ShadowAgreement>> ShadowAgreementAsync(
        string model, DateTimeOffset from, DateTimeOffset to, int[]? versions, CancellationToken cancellationToken);
}
