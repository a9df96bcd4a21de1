using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Api.Serving;

/// <summary>
/// The readiness checks' latest report, run again at most every <see cref="MaxAge"/>: however many consoles poll the
/// overview, Postgres and Redis are pinged (and a degraded model logged) a few times a minute at most.
/// </summary>
public sealed class RecentHealth(HealthCheckService health, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    // A dependency that does not answer in time is reported as unhealthy rather than holding up the page.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (HealthReport Report, DateTimeOffset At)? _latest;

    public async Task<HealthReport> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed it while this one waited.
            if (Fresh() is { } refreshed)
            {
                return refreshed;
            }
            var report = await CheckAsync(cancellationToken);
            _latest = (report, time.GetUtcNow());
            return report;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private HealthReport? Fresh() =>
        _latest is { } latest && time.GetUtcNow() - latest.At < MaxAge ? latest.Report : null;

    private async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            return await health.CheckHealthAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthReport(new Dictionary<string, HealthReportEntry>
            {
                ["checks"] = new(HealthStatus.Unhealthy, "The health checks did not answer in time.", Timeout, null, null),
            }, Timeout);
        }
    }

    public void Dispose() => _refresh.Dispose();
}
