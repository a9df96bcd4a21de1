using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Inference.Api.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Inference.Api.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Inference.Tests.Security;

/// <summary>The limiter's behaviour when Redis cannot be reached, against a real client pointed at a closed port.</summary>
public sealed class RateLimitFallbackTests
{
    private const int Limit = 3;

    [Fact]
    public async Task UnreachableRedisFallsBackToTheInProcessLimitAndReportsTheOutageOnce()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=200,connectRetry=0");
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var logger = new RecordingLogger<RateLimitStoreMonitor>();
        using var monitor = new RateLimitStoreMonitor(
            redis, new DependencyCircuits(TimeProvider.System, NullLoggerFactory.Instance), Options.Create(new DependencyOptions()), logger,
            services.GetRequiredService<IMeterFactory>());
        var measurements = new Dictionary<string, long>();
        using var listener = ListenTo(measurements);
        using var limiter = new RedisWithLocalFallbackRateLimiter(
            new RedisTokenBucketRateLimiter<string>("fallback-test", new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis, TokenLimit = Limit, TokensPerPeriod = Limit, ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            }),
            new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Limit, TokensPerPeriod = Limit, ReplenishmentPeriod = TimeSpan.FromMinutes(1), QueueLimit = 0,
            }),
            monitor,
            RateLimitPolicies.Predict);

        var leases = new List<RateLimitLease>();
        for (var i = 0; i < Limit + 2; i++)
        {
            leases.Add(await limiter.AcquireAsync(1, TestContext.Current.CancellationToken));
        }

        Assert.Equal(Limit, leases.Count(lease => lease.IsAcquired));
        Assert.True(leases.Last().TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero);
        Assert.Equal(1, measurements.GetValueOrDefault("inference.ratelimit.fallbacks"));
        Assert.Equal(Limit + 2, measurements.GetValueOrDefault("inference.ratelimit.local_decisions"));
        var warning = Assert.Single(logger.Messages, message => message.Level == LogLevel.Warning);
        Assert.Contains("Redis is unreachable for rate limiting", warning.Text);
    }

    private static MeterListener ListenTo(Dictionary<string, long> totals)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RateLimitStoreMonitor.MeterName && instrument.Name.StartsWith("inference.ratelimit.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();
        return listener;
    }

    private sealed class RecordingLogger<T> : ILogger<T>
    {
        public List<(LogLevel Level, string Text)> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages)
            {
                Messages.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
