using System.Diagnostics.Metrics;
using Inference.Api.Resilience;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.RateLimiting;

/// <summary>
/// Whether limits are decided in Redis (shared by every replica) or, while Redis is unreachable, in this process. Logs
/// once when an outage starts and once when it ends, and counts on the <c>Inference</c> meter. Whether to try Redis is
/// the Redis circuit's call (<see cref="DependencyCircuit"/>): while it is open every decision is local at once.
/// </summary>
public sealed partial class RateLimitStoreMonitor : IDisposable
{
    public const string MeterName = "Inference";

    private readonly IConnectionMultiplexer _redis;
    private readonly DependencyCircuit _circuit;
    private readonly ILogger<RateLimitStoreMonitor> _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _localDecisions;
    private readonly Counter<long> _outages;
    private int _inOutage;

    public RateLimitStoreMonitor(
        IConnectionMultiplexer redis, DependencyCircuits circuits, IOptions<DependencyOptions> options, ILogger<RateLimitStoreMonitor> logger, IMeterFactory meters)
    {
        _redis = redis;
        _circuit = circuits.Redis;
        Timeout = options.Value.RateLimitTimeout;
        _logger = logger;
        _meter = meters.Create(MeterName);
        _localDecisions = _meter.CreateCounter<long>("inference.ratelimit.local_decisions", "{request}",
            "Rate-limit decisions made in this process because Redis was unreachable (limits then hold per replica).");
        _outages = _meter.CreateCounter<long>("inference.ratelimit.fallbacks", "{outage}",
            "Times rate limiting fell back from Redis to in-process limiters.");
        _meter.CreateObservableGauge("inference.ratelimit.fallback_active", () => Volatile.Read(ref _inOutage), "{state}",
            "1 while rate limits are decided in process, 0 while Redis decides them.");
    }

    public IConnectionMultiplexer Redis => _redis;

    /// <summary>The Redis circuit every decision in Redis runs through.</summary>
    public DependencyCircuit Circuit => _circuit;

    /// <summary>How long a decision may wait for Redis before it is made locally.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Whether to ask Redis: it is connected and its circuit is closed.</summary>
    public bool ShouldUseRedis()
    {
        if (!_circuit.IsAvailable || !_redis.IsConnected)
        {
            ReportFailure(exception: null);
            return false;
        }
        return true;
    }

    public void ReportSuccess()
    {
        if (Interlocked.Exchange(ref _inOutage, 0) == 1)
        {
            LogRedisRestored();
        }
    }

    public void ReportFailure(Exception? exception)
    {
        if (Interlocked.Exchange(ref _inOutage, 1) == 0)
        {
            _outages.Add(1);
            LogFallingBack(exception is null ? "the connection is down or its circuit is open" : $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    public void CountLocalDecision(string policy) =>
        _localDecisions.Add(1, new KeyValuePair<string, object?>("policy", policy));

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning,
        Message = "Redis is unreachable for rate limiting ({Reason}); limits are enforced per replica in process until it answers again")]
    private partial void LogFallingBack(string reason);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Redis answers again; rate limits are shared across replicas again")]
    private partial void LogRedisRestored();

    public void Dispose() => _meter.Dispose();
}
