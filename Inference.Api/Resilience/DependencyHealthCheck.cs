using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Api.Resilience;

/// <summary>
/// Readiness for one dependency, read from its circuit (the probe's last verdict), so it answers at once whatever the
/// dependency does. A dependency that is down is <see cref="HealthStatus.Degraded"/>, not unhealthy: inference goes on
/// without it, so the replica must stay in service.
/// </summary>
public sealed class DependencyHealthCheck(DependencyCircuit circuit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = circuit.Status;
        var data = new Dictionary<string, object> { ["since"] = status.Since };
        return Task.FromResult(status.State == DependencyState.Up
            ? HealthCheckResult.Healthy($"{circuit.Name} answers", data)
            : HealthCheckResult.Degraded($"{circuit.Name} unavailable since {status.Since:O}: {status.LastError}", data: data));
    }
}
