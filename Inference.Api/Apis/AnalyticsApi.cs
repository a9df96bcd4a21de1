using System.Globalization;
using System.Text.RegularExpressions;
using Inference.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Inference.Api.RateLimiting;
using Inference.Api.Security;

namespace Inference.Api.Apis;

/// <summary>
/// A model's predictions over a window: per version, served and shadow apart, in time buckets, and how often each shadow
/// version agreed with the served one.
/// </summary>
public sealed record ModelAnalytics(
    string Model,
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan Bucket,
    IReadOnlyList<VersionStatistics> Served,
    IReadOnlyList<VersionStatistics> Shadow,
    IReadOnlyList<AnalyticsBucket> Buckets,
    IReadOnlyList<ShadowAgreement> ShadowAgreement);

/// <summary>Version b minus version a (served requests): error rate, latency percentiles, share of each label.</summary>
public sealed record VersionDifference(
    double ErrorRate, double? LatencyP50Ms, double? LatencyP95Ms, double? LatencyP99Ms, double CacheHitRate, IReadOnlyDictionary<string, double> LabelShare);

/// <summary>Two versions side by side (A/B), each as served and as shadow, with their shadow agreement either way.</summary>
public sealed record VersionComparison(
    string Model,
    DateTimeOffset From,
    DateTimeOffset To,
    VersionStatistics? A,
    VersionStatistics? B,
    VersionStatistics? ShadowA,
    VersionStatistics? ShadowB,
    VersionDifference? Difference,
    IReadOnlyList<ShadowAgreement> ShadowAgreement);

/// <summary>Prediction-log analytics for dashboards and A/B decisions.</summary>
public static partial class AnalyticsApi
{
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(92);
    private const int MaxBuckets = 1440;
    private static readonly TimeSpan[] AutomaticBuckets =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1)];

    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/admin/analytics").WithTags("Analytics")
            .RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin);
        api.MapGet("/models/{name}", GetModelAnalytics).WithName("GetModelAnalytics")
            .WithSummary("Count, error rate, latency percentiles, labels and cache hit rate per version, with time buckets")
            .WithDescription("Query: from, to (ISO 8601; default the last hour), bucket (e.g. 30s, 5m, 1h, 1d; default chosen from the window). "
                + "Shadow requests are reported apart from served ones.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/models/{name}/compare", CompareVersions).WithName("CompareVersions")
            .WithSummary("Compare two versions (A/B) over a window")
            .WithDescription("Query: a, b (versions), from, to. Difference is b minus a over served requests.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Results<Ok<ModelAnalytics>, ProblemHttpResult>> GetModelAnalytics(
        string name, DateTimeOffset? from, DateTimeOffset? to, string? bucket, IPredictionAnalytics analytics, CancellationToken cancellationToken)
    {
        if (ResolveWindow(from, to) is not { } window)
        {
            return BadWindow(from, to);
        }

        var size = bucket is null ? AutomaticBuckets.FirstOrDefault(size => (window.To - window.From) / size <= 120, AutomaticBuckets[^1]) : ParseBucket(bucket);
        if (size is not { } interval || (window.To - window.From) / interval > MaxBuckets)
        {
            return Problem($"'bucket' must be a duration like 30s, 5m, 1h or 1d giving at most {MaxBuckets} buckets over the window, not '{bucket}'.");
        }

        var statistics = await analytics.StatisticsAsync(name, window.From, window.To, null, cancellationToken);
        var buckets = await analytics.BucketsAsync(name, window.From, window.To, interval, cancellationToken);
        var agreement = await analytics.ShadowAgreementAsync(name, window.From, window.To, null, cancellationToken);
        return TypedResults.Ok(new ModelAnalytics(name, window.From, window.To, interval,
            [.. statistics.Where(version => !version.Shadow)], [.. statistics.Where(version => version.Shadow)], buckets, agreement));
    }

    public static async Task<Results<Ok<VersionComparison>, ProblemHttpResult>> CompareVersions(
        string name, int? a, int? b, DateTimeOffset? from, DateTimeOffset? to, IPredictionAnalytics analytics, CancellationToken cancellationToken)
    {
        if (a is not { } versionA || b is not { } versionB || versionA == versionB)
        {
            return Problem("Name two different versions to compare, e.g. ?a=1&b=2.");
        }

        if (ResolveWindow(from, to) is not { } window)
        {
            return BadWindow(from, to);
        }

        var statistics = await analytics.StatisticsAsync(name, window.From, window.To, [versionA, versionB], cancellationToken);
        VersionStatistics? Find(int version, bool shadow) => statistics.FirstOrDefault(item => item.Version == version && item.Shadow == shadow);
        var (servedA, servedB) = (Find(versionA, false), Find(versionB, false));
        var agreement = await analytics.ShadowAgreementAsync(name, window.From, window.To, [versionA, versionB], cancellationToken);
        return TypedResults.Ok(new VersionComparison(name, window.From, window.To, servedA, servedB, Find(versionA, true), Find(versionB, true),
            servedA is null || servedB is null ? null : Difference(servedA, servedB), agreement));
    }

    private static VersionDifference Difference(VersionStatistics a, VersionStatistics b)
    {
        static double Share(VersionStatistics statistics, string label) =>
            statistics.Count - statistics.Errors == 0 ? 0 : (double)statistics.Labels.GetValueOrDefault(label) / (statistics.Count - statistics.Errors);

        return new VersionDifference(
            b.ErrorRate - a.ErrorRate,
            b.LatencyP50Ms - a.LatencyP50Ms,
            b.LatencyP95Ms - a.LatencyP95Ms,
            b.LatencyP99Ms - a.LatencyP99Ms,
            b.CacheHitRate - a.CacheHitRate,
            a.Labels.Keys.Union(b.Labels.Keys).Order(StringComparer.Ordinal).ToDictionary(label => label, label => Share(b, label) - Share(a, label)));
    }

    private static (DateTimeOffset From, DateTimeOffset To)? ResolveWindow(DateTimeOffset? from, DateTimeOffset? to)
    {
        var end = to ?? DateTimeOffset.UtcNow;
        if (from is null && end < DateTimeOffset.MinValue + DefaultWindow)
        {
            return null;
        }
        var start = from ?? end - DefaultWindow;
        return start < end && end - start <= MaxWindow ? (start.ToUniversalTime(), end.ToUniversalTime()) : null;
    }

    /// <summary><c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, or a TimeSpan such as <c>00:05:00</c>; null when neither or under a second.</summary>
    private static TimeSpan? ParseBucket(string bucket)
    {
        var match = BucketPattern().Match(bucket);
        TimeSpan? size = match.Success
            ? int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture) * match.Groups["unit"].Value switch
            {
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                _ => TimeSpan.FromDays(1),
            }
            : TimeSpan.TryParse(bucket, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        return size >= TimeSpan.FromSeconds(1) ? size : null;
    }

    private static ProblemHttpResult BadWindow(DateTimeOffset? from, DateTimeOffset? to) =>
        Problem($"'from' must be before 'to' and the window at most {MaxWindow.TotalDays:0} days (from={from:O}, to={to:O}).");

    private static ProblemHttpResult Problem(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid analytics query");

    [GeneratedRegex("^(?<count>[1-9][0-9]{0,5})(?<unit>[smhd])$")]
    private static partial Regex BucketPattern();
}
