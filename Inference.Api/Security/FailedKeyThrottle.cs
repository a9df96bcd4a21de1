using System.Net;
using System.Net.Sockets;
using Inference.Api.RateLimiting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Security;

/// <summary>
/// Counts failed key attempts per client address, shared by every replica through Redis, so keys cannot be guessed (nor
/// Postgres flooded with lookups of made-up keys) at request rate. A client past its budget is refused before its key is
/// checked, right key or not, so the answer says nothing about the key. Successful requests cost nothing here: the
/// decision is read from this replica's memory, which every failure refreshes with the shared count. Across replicas,
/// each lets at most one failure past the shared budget before it learns of it. While Redis is unreachable (or in
/// embedded mode) the counts are this replica's own.
/// </summary>
public sealed partial class FailedKeyThrottle(
    IMemoryCache cache, IOptions<FailedKeyThrottleOptions> options, TimeProvider time, ILogger<FailedKeyThrottle> logger,
    RateLimitStoreMonitor? store = null)
{
    // One round trip: count the failure, start the window with the first one, and say how long the window has left.
    private const string CountFailureScript = """
        local failures = redis.call('INCR', KEYS[1])
        if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { failures, redis.call('PTTL', KEYS[1]) }
        """;

    private readonly FailedKeyThrottleOptions _options = options.Value;

    /// <summary>Whether <paramref name="client"/> has used up its failures; if so, how long until it may try again.</summary>
    public bool IsThrottled(IPAddress? client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!cache.TryGetValue(CacheKey(Partition(client)), out FailureWindow? window) || window is null)
        {
            return false;
        }
        retryAfter = window.EndsAt - time.GetUtcNow();
        return Volatile.Read(ref window.Failures) >= _options.FailuresPerWindow && retryAfter > TimeSpan.Zero;
    }

    /// <summary>Counts one failed attempt from <paramref name="client"/>; never throws for a store that does not answer.</summary>
    public async ValueTask RecordFailureAsync(IPAddress? client, CancellationToken cancellationToken)
    {
        var partition = Partition(client);
        var now = time.GetUtcNow();
        long failures;
        if (await CountSharedAsync(partition, now, cancellationToken) is var (shared, endsAt))
        {
            failures = shared;
            cache.Set(CacheKey(partition), new FailureWindow(endsAt) { Failures = shared }, endsAt);
        }
        else
        {
            var window = cache.GetOrCreate(CacheKey(partition), entry =>
            {
                entry.AbsoluteExpiration = now + _options.Window;
                return new FailureWindow(now + _options.Window);
            })!;
            failures = Interlocked.Increment(ref window.Failures);
        }
        if (failures == _options.FailuresPerWindow)
        {
            LogThrottled(partition, failures, _options.Window);
        }
    }

    private async Task<(long Failures, DateTimeOffset EndsAt)?> CountSharedAsync(string partition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (store is null || !store.ShouldUseRedis())
        {
            return null;
        }
        try
        {
            var result = await store.Circuit.ExecuteAsync(
                _ => store.Redis.GetDatabase().ScriptEvaluateAsync(CountFailureScript,
                    [new RedisKey("inference:failed-keys:" + partition)], [(long)_options.Window.TotalMilliseconds]),
                store.Timeout, cancellationToken);
            store.ReportSuccess();
            var values = (RedisResult[])result!;
            var remaining = Math.Max(0, (long)values[1]);
            return ((long)values[0], now.AddMilliseconds(remaining));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever Redis does, counting falls back to this replica rather than letting the attempt go uncounted.
            store.ReportFailure(exception);
            return null;
        }
    }

    /// <summary>
    /// The address a budget belongs to. An IPv6 client usually holds a whole /64, so the budget is the /64's: otherwise
    /// it could pick a fresh address for every guess.
    /// </summary>
    private static string Partition(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }
        if (client.IsIPv4MappedToIPv6)
        {
            return client.MapToIPv4().ToString();
        }
        if (client.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(client))
        {
            return client.ToString();
        }
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string CacheKey(string partition) => "failed-keys:" + partition;

    /// <summary>Failures counted in the current window, and when it ends.</summary>
    private sealed class FailureWindow(DateTimeOffset endsAt)
    {
        public long Failures;

        public DateTimeOffset EndsAt { get; } = endsAt;
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning,
        Message = "Client {Client} sent {Failures} invalid API keys; requests from it that carry a key are refused for up to {Window}")]
    private partial void LogThrottled(string client, long failures, TimeSpan window);
}
