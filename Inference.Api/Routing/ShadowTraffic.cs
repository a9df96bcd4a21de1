using Inference.Engine.Execution;
using Microsoft.Extensions.Options;

namespace Inference.Api.Routing;

/// <summary>
/// Runs mirrored requests off the request path with bounded concurrency: when every slot is busy the copy is
/// skipped (counted), so shadow load can never queue up, slow or fail the requests it copies. Copies run at
/// background priority, so the batcher serves online requests first.
/// </summary>
public sealed class ShadowTraffic(
    IOptions<TrafficOptions> options, InferenceTelemetry telemetry, IHostApplicationLifetime lifetime, ILogger<ShadowTraffic> logger)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentShadowRequests));

    /// <summary>Starts <paramref name="run"/> in the background if a slot is free; never throws, never waits.</summary>
    public bool TryStart(string model, int version, Func<CancellationToken, Task> run)
    {
        if (!_slots.Wait(0))
        {
            telemetry.RecordShadowRequest(model, version, "skipped");
            return false;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await run(lifetime.ApplicationStopping);
                telemetry.RecordShadowRequest(model, version, "success");
            }
            catch (Exception exception)
            {
                telemetry.RecordShadowRequest(model, version, "failed");
                logger.LogDebug(exception, "Shadow request to {Model} version {Version} failed", model, version);
            }
            finally
            {
                _slots.Release();
            }
        });
        return true;
    }
}
