using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Jobs;

public sealed partial class BatchJobStore
{
    /// <summary>
    /// SQLite (embedded mode): the same effect as the Postgres statement, in one immediate transaction (SQLite lets one
    /// writer in at a time): results already stored are skipped, the counters advance by the rows inserted, and a job no
    /// longer queued or running takes nothing.
    /// </summary>
    private static async Task<bool> RecordResultsInOneTransactionAsync(
        InferenceDbContext db, Guid jobId, IReadOnlyList<BatchJobResult> results, string processedBy, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var job = await db.BatchJobs.FirstOrDefaultAsync(
            job => job.Id == jobId && (job.State == BatchJobStates.Queued || job.State == BatchJobStates.Running), cancellationToken);
        if (job is null)
        {
            return false;
        }

        var indexes = results.Select(result => result.ItemIndex).ToList();
        var stored = await db.BatchJobResults.Where(result => result.JobId == jobId && indexes.Contains(result.ItemIndex))
            .Select(result => result.ItemIndex).ToListAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var inserted = results.Where(result => !stored.Contains(result.ItemIndex)).DistinctBy(result => result.ItemIndex)
            .Select(result => new BatchJobResult
            {
                JobId = jobId,
                ItemIndex = result.ItemIndex,
                Succeeded = result.Succeeded,
                Label = result.Label,
                Score = result.Score,
                Predictions = result.Predictions,
                Embedding = result.Embedding,
                Error = Truncate(result.Error),
                Attempts = result.Attempts,
                InputPreview = result.InputPreview,
                InferenceTimeMs = result.InferenceTimeMs,
                ProcessedBy = processedBy,
                CompletedAt = now,
            }).ToList();
        if (inserted.Count == 0)
        {
            return false;
        }

        db.BatchJobResults.AddRange(inserted);
        job.ProcessedItems += inserted.Count;
        job.FailedItems += inserted.Count(result => !result.Succeeded);
        job.StartedAt ??= now;
        if (job.ProcessedItems >= job.TotalItems)
        {
            job.State = job.FailedItems >= job.TotalItems ? BatchJobStates.Failed : BatchJobStates.Completed;
            job.FinishedAt = now;
        }
        else
        {
            job.State = BatchJobStates.Running;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
