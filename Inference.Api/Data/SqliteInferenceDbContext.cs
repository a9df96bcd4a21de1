using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Inference.Api.Data;

/// <summary>
/// The API's model on SQLite, for embedded mode: one file, no server. Its migrations live in <c>Data/SqliteMigrations</c>
/// (EF Core's one-context-type-per-provider layout), applied at start like the Postgres ones.
/// </summary>
public sealed class SqliteInferenceDbContext(DbContextOptions<SqliteInferenceDbContext> options) : InferenceDbContext(options)
{
    protected override string JsonColumnType => "TEXT";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<QueuedJobItem>(item =>
        {
            item.ToTable("queued_job_items");
            // The worker takes the oldest available items first.
            item.HasIndex(i => new { i.AvailableAt, i.Id });
            item.HasIndex(i => new { i.JobId, i.ItemIndex }).IsUnique();
            item.HasOne<BatchJob>().WithMany().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type: stored as UTC ticks, times compare and sort in SQL (range filters, keyset paging)
        // whatever offset a caller's bound carries.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }
}

/// <summary>A time as its UTC ticks; read back as UTC.</summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

/// <summary>Lets <c>dotnet ef</c> build the SQLite context: <c>dotnet ef migrations add Name --context SqliteInferenceDbContext --output-dir Data/SqliteMigrations</c>.</summary>
public sealed class SqliteInferenceDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SqliteInferenceDbContext>
{
    public SqliteInferenceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteInferenceDbContext>().UseSqlite("Data Source=inference.db").Options);
}
