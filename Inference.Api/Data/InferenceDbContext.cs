using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Inference.Api.Data;

public sealed class InferenceDbContext(DbContextOptions<InferenceDbContext> options) : DbContext(options)
{
    public DbSet<PredictionRecord> Predictions => Set<PredictionRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PredictionRecord>(prediction =>
        {
            prediction.ToTable("predictions");
            prediction.Property(p => p.Model).HasMaxLength(128);
            prediction.Property(p => p.Route).HasMaxLength(64);
            prediction.Property(p => p.InputHash).HasMaxLength(64);
            prediction.Property(p => p.InputPreview).HasMaxLength(256);
            prediction.Property(p => p.Label).HasMaxLength(256);
            prediction.Property(p => p.TraceId).HasMaxLength(32);
            prediction.HasIndex(p => new { p.Model, p.ModelVersion, p.CreatedAt });
            prediction.HasIndex(p => p.CreatedAt);
        });
    }
}

/// <summary>Lets <c>dotnet ef</c> build the context without starting the service.</summary>
public sealed class InferenceDbContextDesignTimeFactory : IDesignTimeDbContextFactory<InferenceDbContext>
{
    public InferenceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<InferenceDbContext>().UseNpgsql("Host=localhost;Database=inferencedb").Options);
}
