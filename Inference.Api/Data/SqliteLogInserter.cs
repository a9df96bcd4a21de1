using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Data;

/// <summary>SQLite's prediction log path: the batch is one transaction of prepared inserts (what EF Core's batching issues).</summary>
public sealed class SqliteLogInserter : IPredictionLogInserter
{
    private const int ConstraintViolation = 19;
    private const int Mismatch = 20;

    public async Task InsertAsync(InferenceDbContext db, IReadOnlyList<PredictionRecord> batch, CancellationToken cancellationToken)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        // Copies, so that a failed attempt leaves no generated ids on the records a retry inserts again.
        db.Predictions.AddRange(batch.Select(record => new PredictionRecord
        {
            CreatedAt = record.CreatedAt,
            Model = record.Model,
            ModelVersion = record.ModelVersion,
            Route = record.Route,
            InputHash = record.InputHash,
            InputPreview = record.InputPreview,
            Label = record.Label,
            Score = record.Score,
            InferenceTimeMs = record.InferenceTimeMs,
            LatencyMs = record.LatencyMs,
            Cached = record.Cached,
            Outcome = record.Outcome,
            Shadow = record.Shadow,
            KeyId = record.KeyId,
            TraceId = record.TraceId,
        }));
        await db.SaveChangesAsync(cancellationToken);
    }

    public bool IsRefusal(Exception exception) =>
        (exception as DbUpdateException)?.InnerException is SqliteException { SqliteErrorCode: ConstraintViolation or Mismatch };
}
