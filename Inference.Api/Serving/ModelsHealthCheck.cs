using Inference.Engine.Repository;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Api.Serving;

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
