namespace Inference.Api.Apis;

/// <summary>One dependency's health as the checks see it: <c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</summary>
public sealed record ComponentHealth(string Name, string Status, string? Description);

/// <summary>
/// Serving figures over <see cref="OverviewSummary.FiguresWindow"/>; latencies in milliseconds, null without timed predictions.
/// <see cref="RefusalsPerSecond"/> counts requests refused with 503 at admission (over a model's queue-time budget, or a full queue).
/// </summary>
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

/// <summary>One step of the overview's time series; <see cref="At"/> is when the step ended.</summary>
public sealed record TrafficPoint(DateTimeOffset At, double PredictionsPerSecond, double? P95Ms, double ErrorRate, double RefusalsPerSecond);

/// <summary>
/// <c>GET /api/admin/summary</c>: the health of the API and its dependencies, models by state, and this replica's serving
/// figures of the last minute with a five-minute series, from in-process counters.
/// </summary>
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
