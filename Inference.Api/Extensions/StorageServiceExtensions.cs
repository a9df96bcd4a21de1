using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Inference.Api.Resilience;

namespace Inference.Api.Extensions;

/// <summary>Where the API keeps its data and how its processes coordinate: Postgres and Redis, or embedded.</summary>
public static class StorageServiceExtensions
{
    public const string DatabaseConnectionName = "inferencedb";
    public const string RedisConnectionName = "redis";

    /// <summary>Embedded mode's database health check (the admin console's overview shows it as its own component).</summary>
    public const string SqliteHealthCheck = "sqlite";

    /// <summary>
    /// Production: Postgres through EF Core (with its COPY log writer and SQL analytics) and Redis as the cache's second
    /// level, shared rate limits and the job stream.
    /// </summary>
    public static IHostApplicationBuilder AddPostgresAndRedis(this IHostApplicationBuilder builder)
    {
        builder.AddDependencies();
        builder.Services.AddSingleton<IPredictionLogInserter, PostgresCopyLogInserter>();
        builder.Services.AddScoped<IPredictionAnalytics, PredictionAnalytics>();
        return builder;
    }

    /// <summary>
    /// Embedded mode: one SQLite file (<c>ConnectionStrings:inferencedb</c>, e.g. <c>Data Source=/path/inference.db</c>)
    /// with its own migrations; no distributed cache, so HybridCache stays in process; rate limits and the job queue
    /// need no registration here (they see that no Redis is registered).
    /// </summary>
    public static IHostApplicationBuilder AddEmbeddedStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var connectionString = builder.Configuration.GetConnectionString(DatabaseConnectionName)
            ?? throw new InvalidOperationException(
                $"Embedded mode needs ConnectionStrings:{DatabaseConnectionName}, e.g. 'Data Source=/path/to/inference.db'.");
        services.AddDbContext<InferenceDbContext, SqliteInferenceDbContext>(options => options.UseSqlite(connectionString));
        services.AddSingleton<IPredictionLogInserter, SqliteLogInserter>();
        services.AddScoped<IPredictionAnalytics, SqlitePredictionAnalytics>();
        // Degraded, not Unhealthy: a file beside the process fails to answer only while a long write holds it, and that passes.
        services.AddHealthChecks().AddDbContextCheck<InferenceDbContext>(SqliteHealthCheck, HealthStatus.Degraded);
        // Neither Redis nor Postgres: their circuits stay closed and are not reported.
        services.AddSingleton(provider => new DependencyCircuits(
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILoggerFactory>(), embedded: true));
        services.AddHybridCache();
        return builder;
    }
}
