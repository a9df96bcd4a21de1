using System.Runtime.CompilerServices;
using System.Text;
using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Inference.Api.Jobs;

/// <summary>What cancelling a job did.</summary>
public enum CancelOutcome
{
    Cancelled,
    AlreadyCancelled,
    AlreadyFinished,
    NotFound,
}

/// <summary>
/// Job rows and results in Postgres. A result is stored with <c>INSERT ... ON CONFLICT DO NOTHING</c> on (job, item)
/// in the same statement that advances the job's counters by the rows actually inserted, so a redelivered item can
/// neither add a second result nor count twice, and the counters always match the result rows.
/// </summary>
public sealed partial class BatchJobStore(IServiceScopeFactory scopes)
{
    private const int MaxErrorLength = 1024;

    public Task MarkEnqueuedAsync(Guid id, CancellationToken cancellationToken) =>
        scopes.RunInScopeAsync((db, token) => db.BatchJobs.Where(job => job.Id == id)
            .ExecuteUpdateAsync(set => set.SetProperty(job => job.EnqueuedAt, DateTimeOffset.UtcNow), token), cancellationToken);

    /// <summary>Removes a job whose items could not be queued, so a failed submission leaves nothing behind.</summary>
    public Task DeleteAsync(Guid id) =>
        UpdateAsync(db => db.BatchJobs.Where(job => job.Id == id).ExecuteDeleteAsync(CancellationToken.None));

    public Task<BatchJob?> FindAsync(Guid id, CancellationToken cancellationToken) => FindAsync(id, ownerKeyId: null, cancellationToken);

    /// <summary>The job for a consumer: no request waits, so the loose background deadline applies.</summary>
    public Task<BatchJob?> FindForConsumerAsync(Guid id, CancellationToken cancellationToken) =>
        scopes.RunInScopeAsync((db, token) => db.BatchJobs.AsNoTracking().FirstOrDefaultAsync(job => job.Id == id, token),
            cancellationToken, DatabaseDeadline.Background);

    /// <summary>The job, if it exists and (when <paramref name="ownerKeyId"/> is set) belongs to that key.</summary>
    public async Task<BatchJob?> FindAsync(Guid id, string? ownerKeyId, CancellationToken cancellationToken)
    {
        return await scopes.RunInScopeAsync(
            (db, token) => OwnedBy(db.BatchJobs.AsNoTracking(), ownerKeyId).FirstOrDefaultAsync(job => job.Id == id, token), cancellationToken);
    }

    /// <summary>The newest jobs, of every key or (when <paramref name="ownerKeyId"/> is set) of that key only.</summary>
    public async Task<List<BatchJob>> ListRecentAsync(int limit, string? state, string? ownerKeyId, CancellationToken cancellationToken)
    {
        return await scopes.RunInScopeAsync((db, token) =>
        {
            var jobs = OwnedBy(db.BatchJobs.AsNoTracking(), ownerKeyId);
            if (state is not null)
            {
                jobs = jobs.Where(job => job.State == state);
            }
            return jobs.OrderByDescending(job => job.CreatedAt).Take(limit).ToListAsync(token);
        }, cancellationToken);
    }

    /// <summary>
    /// Stops a queued or running job; results already stored stay, items still in the stream are skipped. A job of
    /// another key than <paramref name="ownerKeyId"/> (when set) is <see cref="CancelOutcome.NotFound"/>.
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(Guid id, string? ownerKeyId, CancellationToken cancellationToken)
    {
        var cancelled = await scopes.RunInScopeAsync((db, token) => OwnedBy(db.BatchJobs, ownerKeyId)
            .Where(job => job.Id == id && (job.State == BatchJobStates.Queued || job.State == BatchJobStates.Running))
            .ExecuteUpdateAsync(set => set
                .SetProperty(job => job.State, BatchJobStates.Cancelled)
                .SetProperty(job => job.FinishedAt, DateTimeOffset.UtcNow), token), cancellationToken);
        if (cancelled > 0)
        {
            return CancelOutcome.Cancelled;
        }
        return (await FindAsync(id, ownerKeyId, cancellationToken))?.State switch
        {
            null => CancelOutcome.NotFound,
            BatchJobStates.Cancelled => CancelOutcome.AlreadyCancelled,
            _ => CancelOutcome.AlreadyFinished,
        };
    }

    private static IQueryable<BatchJob> OwnedBy(IQueryable<BatchJob> jobs, string? ownerKeyId) =>
        ownerKeyId is null ? jobs : jobs.Where(job => job.OwnerKeyId == ownerKeyId);

    /// <summary>
    /// Stores results of one job idempotently and advances its counters and state in one statement. Results for a
    /// job that is no longer queued or running (cancelled, deleted) are not stored. Returns whether anything new was stored.
    /// </summary>
    public async Task<bool> RecordResultsAsync(Guid jobId, IReadOnlyList<BatchJobResult> results, string processedBy, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
        return db.Database.IsNpgsql()
            ? await RecordResultsInOneStatementAsync(db, jobId, results, processedBy, cancellationToken)
            : await RecordResultsInOneTransactionAsync(db, jobId, results, processedBy, cancellationToken);
    }

    /// <summary>Postgres: insert-or-skip and the counter update in one statement, safe with any number of consumers.</summary>
    private static async Task<bool> RecordResultsInOneStatementAsync(
        InferenceDbContext db, Guid jobId, IReadOnlyList<BatchJobResult> results, string processedBy, CancellationToken cancellationToken)
    {
        var parameters = new List<NpgsqlParameter>
        {
            new("job", NpgsqlDbType.Uuid) { Value = jobId },
            new("by", NpgsqlDbType.Varchar) { Value = processedBy },
        };
        var rows = new StringBuilder();
        // Rows in item order, so two statements touching the same items lock them in the same order.
        foreach (var (result, row) in results.OrderBy(result => result.ItemIndex).Select((result, row) => (result, row)))
        {
            rows.Append(row == 0 ? "\n        " : ",\n        ")
                .Append($"(@i{row}, @s{row}, @l{row}, @sc{row}, @p{row}, @v{row}, @e{row}, @a{row}, @in{row}, @t{row}, @by, now())");
            parameters.Add(new($"i{row}", NpgsqlDbType.Integer) { Value = result.ItemIndex });
            parameters.Add(new($"s{row}", NpgsqlDbType.Boolean) { Value = result.Succeeded });
            parameters.Add(new($"l{row}", NpgsqlDbType.Varchar) { Value = (object?)result.Label ?? DBNull.Value });
            parameters.Add(new($"sc{row}", NpgsqlDbType.Real) { Value = (object?)result.Score ?? DBNull.Value });
            parameters.Add(new($"p{row}", NpgsqlDbType.Jsonb) { Value = (object?)result.Predictions ?? DBNull.Value });
            parameters.Add(new($"v{row}", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = (object?)result.Embedding ?? DBNull.Value });
            parameters.Add(new($"e{row}", NpgsqlDbType.Varchar) { Value = (object?)Truncate(result.Error) ?? DBNull.Value });
            parameters.Add(new($"a{row}", NpgsqlDbType.Integer) { Value = result.Attempts });
            parameters.Add(new($"in{row}", NpgsqlDbType.Varchar) { Value = (object?)result.InputPreview ?? DBNull.Value });
            parameters.Add(new($"t{row}", NpgsqlDbType.Double) { Value = (object?)result.InferenceTimeMs ?? DBNull.Value });
        }

        var sql = $"""
            WITH live_job AS (
                SELECT "Id" FROM batch_jobs WHERE "Id" = @job AND "State" IN ('{BatchJobStates.Queued}', '{BatchJobStates.Running}')
            ), inserted AS (
                INSERT INTO batch_job_results ("JobId", "ItemIndex", "Succeeded", "Label", "Score", "Predictions", "Embedding", "Error", "Attempts", "InputPreview", "InferenceTimeMs", "ProcessedBy", "CompletedAt")
                SELECT live_job."Id", item.* FROM live_job CROSS JOIN (VALUES {rows}
                ) AS item ("ItemIndex", "Succeeded", "Label", "Score", "Predictions", "Embedding", "Error", "Attempts", "InputPreview", "InferenceTimeMs", "ProcessedBy", "CompletedAt")
                ON CONFLICT ("JobId", "ItemIndex") DO NOTHING
                RETURNING "Succeeded"
            ), stored AS (
                SELECT count(*)::int AS items, (count(*) FILTER (WHERE NOT "Succeeded"))::int AS failed FROM inserted
            )
            UPDATE batch_jobs AS job SET
                "ProcessedItems" = job."ProcessedItems" + stored.items,
                "FailedItems" = job."FailedItems" + stored.failed,
                "StartedAt" = coalesce(job."StartedAt", now()),
                "State" = CASE
                    WHEN job."State" NOT IN ('{BatchJobStates.Queued}', '{BatchJobStates.Running}') THEN job."State"
                    WHEN job."ProcessedItems" + stored.items < job."TotalItems" THEN '{BatchJobStates.Running}'
                    WHEN job."FailedItems" + stored.failed >= job."TotalItems" THEN '{BatchJobStates.Failed}'
                    ELSE '{BatchJobStates.Completed}' END,
                "FinishedAt" = CASE
                    WHEN job."State" IN ('{BatchJobStates.Queued}', '{BatchJobStates.Running}') AND job."ProcessedItems" + stored.items >= job."TotalItems" THEN now()
                    ELSE job."FinishedAt" END
            FROM stored
            WHERE job."Id" = @job AND stored.items > 0
            """;
        return await db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken) > 0;
    }

    /// <summary>Which of <paramref name="itemIndexes"/> already have a stored result.</summary>
    public async Task<HashSet<int>> StoredItemsAsync(Guid jobId, IReadOnlyCollection<int> itemIndexes, CancellationToken cancellationToken)
    {
        var stored = await scopes.RunInScopeAsync((db, token) => db.BatchJobResults.AsNoTracking()
            .Where(result => result.JobId == jobId && itemIndexes.Contains(result.ItemIndex))
            .Select(result => result.ItemIndex)
            .ToListAsync(token), cancellationToken, DatabaseDeadline.Background);
        return [.. stored];
    }

    /// <summary>One page of results in item order, after item <paramref name="after"/> (keyset paging on the primary key).</summary>
    public async Task<List<BatchJobResult>> ReadResultsAsync(Guid jobId, int after, int limit, CancellationToken cancellationToken)
    {
        return await scopes.RunInScopeAsync((db, token) => db.BatchJobResults.AsNoTracking()
            .Where(result => result.JobId == jobId && result.ItemIndex > after)
            .OrderBy(result => result.ItemIndex)
            .Take(limit)
            .ToListAsync(token), cancellationToken);
    }

    /// <summary>Every result of a job in item order, read from one cursor so memory stays flat for any job size.</summary>
    public async IAsyncEnumerable<BatchJobResult> StreamResultsAsync(Guid jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
        var results = db.BatchJobResults.AsNoTracking()
            .Where(result => result.JobId == jobId)
            .OrderBy(result => result.ItemIndex)
            .AsAsyncEnumerable();
        await foreach (var result in results.WithCancellation(cancellationToken))
        {
            yield return result;
        }
    }

    /// <summary>Deletes jobs (and, by cascade, their results) that finished before <paramref name="cutoff"/>.</summary>
    public Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        UpdateAsync(db => db.BatchJobs
            .Where(job => (job.State == BatchJobStates.Completed || job.State == BatchJobStates.Failed || job.State == BatchJobStates.Cancelled)
                          && job.FinishedAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken));

    /// <summary>
    /// Fails jobs whose submission never finished queueing (the process died between creating the row and adding
    /// the last item); whatever of them reached the stream is then skipped.
    /// </summary>
    public Task<int> FailAbandonedSubmissionsAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) =>
        UpdateAsync(db => db.BatchJobs
            .Where(job => job.EnqueuedAt == null && job.CreatedAt < createdBefore
                          && (job.State == BatchJobStates.Queued || job.State == BatchJobStates.Running))
            .ExecuteUpdateAsync(set => set
                .SetProperty(job => job.State, BatchJobStates.Failed)
                .SetProperty(job => job.Error, "The submission did not finish queueing its items (the process accepting it stopped).")
                .SetProperty(job => job.FinishedAt, DateTimeOffset.UtcNow), cancellationToken));

    private async Task<int> UpdateAsync(Func<InferenceDbContext, Task<int>> update)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await update(scope.ServiceProvider.GetRequiredService<InferenceDbContext>());
    }

    private static string? Truncate(string? error) => error is { Length: > MaxErrorLength } ? error[..(MaxErrorLength - 1)] + "…" : error;
}
