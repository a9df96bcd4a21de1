using System.Threading.RateLimiting;

namespace Inference.Api.RateLimiting;

/// <summary>
/// One partition's limiter: the Redis token bucket while Redis answers, an in-process token bucket with the same rule while
/// it does not, so an outage neither fails requests nor lifts limits (they then hold per replica).
/// </summary>
public sealed class RedisWithLocalFallbackRateLimiter(
    RateLimiter redis, RateLimiter local, RateLimitStoreMonitor monitor, string policy) : RateLimiter
{
    private static readonly RateLimitLease NotAcquired = new RejectedLease();

    public override TimeSpan? IdleDuration =>
        redis.IdleDuration is { } redisIdle && local.IdleDuration is { } localIdle ? TimeSpan.FromTicks(Math.Min(redisIdle.Ticks, localIdle.Ticks)) : null;

    // Statistics of the Redis limiter would cost a blocking round trip.
    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    // The middleware tries a synchronous acquire first and awaits AcquireAsync when it fails; Redis needs the await.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotAcquired;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (monitor.ShouldUseRedis())
        {
            try
            {
                var lease = await monitor.Circuit.ExecuteAsync(
                    token => redis.AcquireAsync(permitCount, token).AsTask(), monitor.Timeout, cancellationToken);
                monitor.ReportSuccess();
                return lease;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Whatever Redis does (refused, slow, script error, circuit open), a request must never fail because of its limiter.
                monitor.ReportFailure(exception);
            }
        }
        monitor.CountLocalDecision(policy);
        return local.AttemptAcquire(permitCount);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            redis.Dispose();
            local.Dispose();
        }
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await redis.DisposeAsync();
        await local.DisposeAsync();
    }

    private sealed class RejectedLease : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
