using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Data;

/// <summary>Applies EF Core migrations at start when <c>Database:MigrateOnStartup</c> is set (development runs).</summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<DatabaseMigrator> logger) : IHostedService
{
    private const long MigrationLockId = 0x1_4E_FE_2E_4C;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue<bool>("Database:MigrateOnStartup"))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
        if (db.Database.IsNpgsql())
        {
            await MigrateUnderAdvisoryLockAsync(db, cancellationToken);
        }
        else
        {
            // SQLite: one process owns the file (embedded mode). Write-ahead logging lets readers go on while one writes.
            await db.Database.MigrateAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", cancellationToken);
        }
        logger.LogInformation("Database schema is up to date");
    }

    /// <summary>Replicas start together: a session-level advisory lock lets one migrate while the others wait, then find nothing to do.</summary>
    private static async Task MigrateUnderAdvisoryLockAsync(InferenceDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockId})", cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockId})", cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
