using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Inference.Engine.Execution;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Api.Monitoring;

/// <summary>
/// The readiness checks (Postgres, Redis, models) as a gauge, <c>inference_health_check_status</c>: 1 healthy, 0.5
/// degraded, 0 unhealthy, by check name. The health service runs them on its own schedule and hands every report here,
/// so alerts can say which dependency failed without probing it again at each scrape.
/// </summary>
public sealed class HealthCheckMetrics : IHealthCheckPublisher
{
    private readonly ConcurrentDictionary<string, double> _status = new();

    public HealthCheckMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(InferenceTelemetry.Name);
        meter.CreateObservableGauge("inference.health.check.status", () => _status.Select(check =>
                new Measurement<double>(check.Value, new KeyValuePair<string, object?>("check", check.Key))),
            "1", "Last result of each health check: 1 healthy, 0.5 degraded, 0 unhealthy.");
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            _status[name] = entry.Status switch
            {
                HealthStatus.Healthy => 1,
                HealthStatus.Degraded => 0.5,
                _ => 0,
            };
        }
        return Task.CompletedTask;
    }
}
