using Inference.Api.Caching;
using Inference.Api.Data;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Inference.Api.Resilience;

public static class DependencyServiceExtensions
{
    /// <summary>
    /// Postgres and Redis clients with the drivers' own deadlines, circuits in front of both, the background probe that
    /// drives them, readiness checks that read the probe's verdict, and the cache's bounded Redis level.
    /// </summary>
    public static IHostApplicationBuilder AddDependencies(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(DependencyOptions.SectionName).Get<DependencyOptions>() ?? new DependencyOptions();
        services.AddOptions<DependencyOptions>().Bind(builder.Configuration.GetSection(DependencyOptions.SectionName));
        DatabaseDeadline.Default = options.DatabaseDeadline;
        DatabaseDeadline.Background = options.BackgroundDatabaseDeadline;

        // The drivers' health checks wait on the dependency (up to its timeouts): readiness reads the probe instead.
        builder.AddNpgsqlDbContext<InferenceDbContext>("inferencedb", settings =>
        {
            settings.DisableHealthChecks = true;
            if (settings.ConnectionString is { } connectionString)
            {
                settings.ConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
                {
                    Timeout = WholeSeconds(options.DatabaseConnectTimeout),
                    CommandTimeout = WholeSeconds(options.DatabaseCommandTimeout),
                    KeepAlive = WholeSeconds(options.DatabaseKeepAlive),
                    // A cancelled command on a frozen server waits this long for the server to confirm before dropping the connection.
                    CancellationTimeout = (int)options.ProbeTimeout.TotalMilliseconds,
                }.ConnectionString;
            }
        });
        builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true, redis =>
        {
            redis.AbortOnConnectFail = false;
            redis.ConnectTimeout = (int)options.RedisConnectTimeout.TotalMilliseconds;
            redis.SyncTimeout = (int)options.RedisCommandTimeout.TotalMilliseconds;
            redis.AsyncTimeout = (int)options.RedisCommandTimeout.TotalMilliseconds;
            // Retry every half second, not with a growing back-off: a Redis that is back is used again within seconds.
            redis.ReconnectRetryPolicy = new LinearRetry(500);
        });

        services.AddSingleton<DependencyCircuits>();
        services.AddHostedService<DependencyProbe>();
        services.AddHealthChecks()
            .Add(new("redis", provider => new DependencyHealthCheck(provider.GetRequiredService<DependencyCircuits>().Redis), null, null))
            .Add(new("postgres", provider => new DependencyHealthCheck(provider.GetRequiredService<DependencyCircuits>().Postgres), null, null));

        // Redis as the cache's second level, sharing the multiplexer Aspire configured (telemetry), behind deadlines.
        services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((cacheOptions, provider) =>
        {
            cacheOptions.ConnectionMultiplexerFactory = () => Task.FromResult(provider.GetRequiredService<IConnectionMultiplexer>());
            cacheOptions.InstanceName = "inference:";
        });
        services.AddSingleton<IDistributedCache>(provider => ActivatorUtilities.CreateInstance<BoundedDistributedCache>(
            provider, new RedisCache(provider.GetRequiredService<IOptions<RedisCacheOptions>>())));
        services.AddHybridCache();
        return builder;
    }

    private static int WholeSeconds(TimeSpan value) => Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));
}
