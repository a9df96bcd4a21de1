using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Inference.Api.Data;

/// <summary>
/// The API's tables. This type is the Postgres model with its migrations in <c>Data/Migrations</c>;
/// <see cref="SqliteInferenceDbContext"/> is the same model on SQLite (embedded mode), with migrations of its own.
/// </summary>
public class InferenceDbContext : DbContext
{
    public InferenceDbContext(DbContextOptions<InferenceDbContext> options) : base(options)
    {
    }

    /// <summary>For a provider's own context type, which has its own options and migrations.</summary>
    protected InferenceDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<PredictionRecord> Predictions => Set<PredictionRecord>();

    public DbSet<BatchJob> BatchJobs => Set<BatchJob>();

    public DbSet<BatchJobResult> BatchJobResults => Set<BatchJobResult>();

    public DbSet<BatchJobItem> BatchJobItems => Set<BatchJobItem>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<TrafficSplitRecord> TrafficSplits => Set<TrafficSplitRecord>();

    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    /// <summary>The column type of JSON documents: Postgres stores them as <c>jsonb</c>.</summary>
    protected virtual string JsonColumnType => "jsonb";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PredictionRecord>(prediction =>
        {
            prediction.ToTable("predictions");
            prediction.Property(p => p.Model).HasMaxLength(PredictionRecord.MaxModelLength);
            prediction.Property(p => p.Route).HasMaxLength(64);
            prediction.Property(p => p.InputHash).HasMaxLength(64);
            prediction.Property(p => p.InputPreview).HasMaxLength(PredictionRecord.MaxPreviewLength);
            prediction.Property(p => p.Label).HasMaxLength(PredictionRecord.MaxLabelLength);
            prediction.Property(p => p.TraceId).HasMaxLength(32);
            prediction.Property(p => p.Outcome).HasMaxLength(32).HasDefaultValue(PredictionOutcomes.Success);
            prediction.Property(p => p.KeyId).HasMaxLength(128);
            prediction.HasIndex(p => new { p.Model, p.ModelVersion, p.CreatedAt });
            // Analytics read one model over a time window, every version at once.
            prediction.HasIndex(p => new { p.Model, p.CreatedAt });
            prediction.HasIndex(p => p.CreatedAt);
        });

        modelBuilder.Entity<TrafficSplitRecord>(split =>
        {
            split.ToTable("traffic_splits");
            split.HasKey(s => s.Model);
            split.Property(s => s.Model).HasMaxLength(128);
            split.Property(s => s.Weights).HasColumnType(JsonColumnType);
        });

        modelBuilder.Entity<BatchJob>(job =>
        {
            job.ToTable("batch_jobs");
            job.Property(j => j.Model).HasMaxLength(128);
            job.Property(j => j.ItemKind).HasMaxLength(16);
            job.Property(j => j.State).HasMaxLength(16);
            job.Property(j => j.Error).HasMaxLength(1024);
            job.Property(j => j.OwnerKeyId).HasMaxLength(128);
            job.Property(j => j.OwnerKeyName).HasMaxLength(128);
            job.Property(j => j.Parameters).HasColumnType(JsonColumnType);
            job.Property(j => j.Queue).HasMaxLength(128);
            job.HasIndex(j => j.CreatedAt);
            // A key lists its own jobs, newest first.
            job.HasIndex(j => new { j.OwnerKeyId, j.CreatedAt });
            // Retention deletes finished jobs by age.
            job.HasIndex(j => new { j.State, j.FinishedAt });
        });

        modelBuilder.Entity<BatchJobResult>(result =>
        {
            result.ToTable("batch_job_results");
            // The key is the idempotency guarantee: a redelivered item cannot add a second result.
            result.HasKey(r => new { r.JobId, r.ItemIndex });
            result.Property(r => r.Label).HasMaxLength(256);
            result.Property(r => r.Predictions).HasColumnType(JsonColumnType);
            result.Property(r => r.Error).HasMaxLength(1024);
            result.Property(r => r.InputPreview).HasMaxLength(256);
            result.Property(r => r.ProcessedBy).HasMaxLength(128);
            result.HasOne<BatchJob>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<BatchJobItem>(item =>
        {
            item.ToTable("batch_job_items");
            item.HasKey(i => new { i.JobId, i.ItemIndex });
            item.HasOne<BatchJob>().WithMany().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.Property(k => k.Name).HasMaxLength(128);
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.HasIndex(k => k.Prefix).IsUnique();
        });

        modelBuilder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable("audit_log");
            if (Database.IsNpgsql())
            {
                entry.Property(e => e.Id).UseIdentityAlwaysColumn();
            }
            entry.Property(e => e.ActorKeyId).HasMaxLength(128);
            entry.Property(e => e.ActorName).HasMaxLength(128);
            entry.Property(e => e.Action).HasMaxLength(32);
            entry.Property(e => e.Target).HasMaxLength(AuditEntry.MaxTargetLength);
            entry.Property(e => e.Before).HasColumnType(JsonColumnType);
            entry.Property(e => e.After).HasColumnType(JsonColumnType);
            entry.Property(e => e.Via).HasMaxLength(16);
            entry.HasIndex(e => e.At);
            entry.HasIndex(e => new { e.Target, e.Id });
            entry.HasIndex(e => new { e.Action, e.Id });
        });
    }
}

/// <summary>Lets <c>dotnet ef</c> build the context without starting the service.</summary>
public sealed class InferenceDbContextDesignTimeFactory : IDesignTimeDbContextFactory<InferenceDbContext>
{
    public InferenceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<InferenceDbContext>().UseNpgsql("Host=localhost;Database=inferencedb").Options);
}
