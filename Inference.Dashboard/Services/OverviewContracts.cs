namespace Inference.Dashboard.Services;

/// <summary>One dependency's health: <c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</summary>
public sealed record ComponentHealth(string Name, string Status, string? Description);

/// <summary>Serving figures of the last minute; latencies in milliseconds, null without timed predictions.</summary>
public sealed record TrafficFigures(
    double PredictionsPerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double ErrorRate,
    double CacheHitsPerSecond,
    double? MeanBatchSize,
    int QueueDepth,
    double RefusalsPerSecond);

/// <summary>One step of the overview's series; <see cref="At"/> is when the step ended.</summary>
public sealed record TrafficPoint(DateTimeOffset At, double PredictionsPerSecond, double? P95Ms, double ErrorRate, double RefusalsPerSecond);

/// <summary>Answer of <c>GET /api/admin/summary</c>.</summary>
public sealed record OverviewSummary(
    DateTimeOffset At,
    string Replica,
    string Status,
    IReadOnlyList<ComponentHealth> Health,
    IReadOnlyDictionary<string, int> ModelsByState,
    TimeSpan FiguresWindow,
    TrafficFigures Figures,
    TimeSpan SeriesStep,
    IReadOnlyList<TrafficPoint> Series);
