using Inference.Api.Extensions;
using Inference.Api.RateLimiting;
using Inference.Api.Resilience;
using Inference.Api.Security;
using Inference.Api.Serving;
using Inference.Engine.Repository;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Api.Apis;

/// <summary>The admin console's overview in one call, cheap enough to poll every few seconds (admin scope).</summary>
public static class OverviewApi
{
    /// <summary>Model state of a model an administrator unloaded (the repository lists it as UNAVAILABLE with that reason).</summary>
    public const string UnloadedState = "UNLOADED";
    public const string LoadingState = "LOADING";

    private static readonly TimeSpan FiguresWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SeriesStep = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapOverviewApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/admin/summary", GetSummary).WithTags("Overview").RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin)
            .WithName("GetOverviewSummary")
            .WithSummary("Health, models by state and the last minutes of serving, for the admin console")
            .WithDescription("Health of the API, Postgres and Redis (the readiness checks, at most 5 s old), model counts by state (READY, UNAVAILABLE, " +
                             "UNLOADED, or LOADING at start), and the answering replica's predictions/s, p50/p95/p99 latency, error rate, " +
                             "cache hits/s, mean batch size, queue depth and admission refusals/s (503s before any work) over the last minute, with a five-minute series in 10-second " +
                             "steps. Figures come from in-process counters: each replica reports its own traffic.");
        return app;
    }

    public static async Task<Ok<OverviewSummary>> GetSummary(
        RecentHealth health, ModelRepository repository, RecentTraffic traffic, TimeProvider time, CancellationToken cancellationToken)
    {
        var report = await health.GetAsync(cancellationToken);
        var figures = traffic.Read(FiguresWindow);
        var queueDepth = repository.Models.SelectMany(model => model.Versions.Values).Sum(version => version.QueueDepth);
        return TypedResults.Ok(new OverviewSummary(
            time.GetUtcNow(),
            Environment.MachineName,
            report.Status.ToString(),
            Components(report),
            ModelsByState(repository),
            FiguresWindow,
            new TrafficFigures(figures.PredictionsPerSecond, figures.LatencyPercentile(0.50), figures.LatencyPercentile(0.95),
                figures.LatencyPercentile(0.99), figures.ErrorRate, figures.CacheHitsPerSecond, figures.MeanBatchSize, queueDepth,
                figures.RefusalsPerSecond),
            SeriesStep,
            [.. traffic.ReadSeries(SeriesStep).Select(step =>
                new TrafficPoint(step.End, step.Traffic.PredictionsPerSecond, step.Traffic.LatencyPercentile(0.95), step.Traffic.ErrorRate,
                    step.Traffic.RefusalsPerSecond))]));
    }

    /// <summary>The checks grouped by what they watch: the API itself (the process and its models), Postgres and Redis.</summary>
    private static ComponentHealth[] Components(HealthReport report) =>
    [
        .. report.Entries
            .GroupBy(entry => ComponentOf(entry.Key))
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var worst = group.MinBy(entry => entry.Value.Status);
                return new ComponentHealth(group.Key, worst.Value.Status.ToString(),
                    worst.Value.Description ?? worst.Value.Exception?.Message);
            }),
    ];

    // The dependency checks are named after their circuits ("postgres", "redis"); embedded mode's database check is "sqlite".
    private static string ComponentOf(string check) =>
        check.Equals(StorageServiceExtensions.SqliteHealthCheck, StringComparison.OrdinalIgnoreCase) ? StorageServiceExtensions.SqliteHealthCheck
        : check.Equals(DependencyCircuits.PostgresName, StringComparison.OrdinalIgnoreCase) ? DependencyCircuits.PostgresName
        : check.Equals(DependencyCircuits.RedisName, StringComparison.OrdinalIgnoreCase) ? DependencyCircuits.RedisName : "api";

    private static Dictionary<string, int> ModelsByState(ModelRepository repository)
    {
        if (!repository.IsLoaded)
        {
            return new() { [LoadingState] = repository.Models.Count };
        }
        return repository.Models
            .GroupBy(model => model.IsUnloaded ? UnloadedState : model.State)
            .ToDictionary(group => group.Key, group => group.Count());
    }
}
