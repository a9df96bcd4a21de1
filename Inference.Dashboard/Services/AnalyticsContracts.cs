namespace Inference.Dashboard.Services;

/// <summary>One version's served (or shadow) predictions over a window.</summary>
public sealed record VersionStatistics(
    int Version,
    bool Shadow,
    long Count,
    long Errors,
    double ErrorRate,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms,
    long CacheHits,
    double CacheHitRate,
    IReadOnlyDictionary<string, long> Labels,
    IReadOnlyDictionary<string, long> ErrorsByKind);

/// <summary>One version's predictions in one time bucket.</summary>
public sealed record AnalyticsBucket(DateTimeOffset Start, int Version, bool Shadow, long Count, long Errors, long CacheHits, double? LatencyP95Ms);

/// <summary>How often a shadow version's label matched the served version's on the same request.</summary>
public sealed record ShadowAgreement(int ServedVersion, int ShadowVersion, long Pairs, long Agreements, double AgreementRate);

/// <summary>A model's predictions over a window, per version and in time buckets.</summary>
public sealed record ModelAnalytics(
    string Model,
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan Bucket,
    IReadOnlyList<VersionStatistics> Served,
    IReadOnlyList<VersionStatistics> Shadow,
    IReadOnlyList<AnalyticsBucket> Buckets,
    IReadOnlyList<ShadowAgreement>? ShadowAgreement);

/// <summary>Version b minus version a over served requests.</summary>
public sealed record VersionDifference(
    double ErrorRate, double? LatencyP50Ms, double? LatencyP95Ms, double? LatencyP99Ms, double CacheHitRate, IReadOnlyDictionary<string, double> LabelShare);

/// <summary>Two versions side by side (A/B).</summary>
public sealed record VersionComparison(
    string Model,
    DateTimeOffset From,
    DateTimeOffset To,
    VersionStatistics? A,
    VersionStatistics? B,
    VersionStatistics? ShadowA,
    VersionStatistics? ShadowB,
    VersionDifference? Difference,
    IReadOnlyList<ShadowAgreement>? ShadowAgreement);
