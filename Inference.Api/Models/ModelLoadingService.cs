using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Api.Models;

/// <summary>
/// Loads and warms every model after the server starts listening, so liveness answers at once while
/// readiness waits for the models.
/// </summary>
public sealed class ModelLoadingService(ModelRepository repository, ILogger<ModelLoadingService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        var started = Stopwatch.GetTimestamp();
        repository.LoadAll(stoppingToken);
        var models = repository.Models;
        logger.LogInformation("{Ready} of {Total} model(s) ready in {Elapsed:0} ms since loading began ({Uptime:0} ms since process start)",
            models.Count(m => m.State == ModelStates.Ready), models.Count,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds);
    }, stoppingToken);
}

/// <summary>Readiness: unhealthy while models load, degraded when some could not load.</summary>
public sealed class ModelsHealthCheck(ModelRepository repository) : IHealthCheck
{
    /// <summary>The check's registration name; the gRPC health service reports readiness from it.</summary>
    public const string Name = "models";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!repository.IsLoaded)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Models are loading"));
        }

        var models = repository.Models;
        var data = models.ToDictionary(
            model => model.Name,
            model => (object)new
            {
                state = model.State,
                reason = model.Reason,
                versions = model.Versions.Keys.Order().ToArray(),
                executionProvider = model.Versions.Values.Select(v => v.Provider.Actual).FirstOrDefault(),
                executionProviderFallback = model.Versions.Values.Select(v => v.Provider.FallbackReason).FirstOrDefault(r => r is not null),
            });
        // A model an administrator unloaded is not a fault.
        var unavailable = models.Where(m => m.State != ModelStates.Ready && !m.IsUnloaded).Select(m => m.Name).ToArray();
        return Task.FromResult(unavailable.Length == 0
            ? HealthCheckResult.Healthy($"{models.Count} model(s) ready", data)
            : HealthCheckResult.Degraded($"Unavailable: {string.Join(", ", unavailable)}", data: data));
    }
}
