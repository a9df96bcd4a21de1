using System.Text;
using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Inference.Api.Jobs;

/// <summary>
/// The accepted items of each job, stored with the job in one transaction: Postgres holds the truth about what a job
/// must do, the queue only what is waiting, so a queue that lost its data can be refilled from here.
/// </summary>
public sealed partial class BatchJobStore
{
    /// <summary>Above the request deadline, per item stored: a 10,000-item submission may take 10 s more to copy.</summary>
    private static readonly TimeSpan CopyAllowancePerItem = TimeSpan.FromMilliseconds(1);

    public Task CreateAsync(BatchJob job, CancellationToken cancellationToken) => CreateAsync(job, [], cancellationToken);

    /// <summary>Creates the job's row and stores its items (binary COPY), both or neither.</summary>
    public async Task CreateAsync(BatchJob job, IReadOnlyList<JobItem> items, CancellationToken cancellationToken)
    {
        await scopes.RunInScopeAsync((db, token) =>
            // A transaction of our own runs inside the execution strategy, so a retried attempt starts over cleanly.
            db.Database.CreateExecutionStrategy().ExecuteAsync(async retryToken =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(retryToken);
                db.ChangeTracker.Clear();
                db.BatchJobs.Add(job);
                await db.SaveChangesAsync(retryToken);
                if (items.Count > 0)
                {
                    await StoreItemsAsync(db, job.Id, items, retryToken);
                }
                await transaction.CommitAsync(retryToken);
                return true;
            }, token), cancellationToken, DatabaseDeadline.Default + CopyAllowancePerItem * items.Count);
    }

    /// <summary>Postgres takes the items by binary COPY (fast for 10,000 items); SQLite (embedded mode) by EF Core inserts.</summary>
    private static async Task StoreItemsAsync(InferenceDbContext db, Guid jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is not NpgsqlConnection connection)
        {
            db.BatchJobItems.AddRange(items.Select(item => new BatchJobItem { JobId = jobId, ItemIndex = item.Index, Input = InputOf(item) }));
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        await using var copy = await connection.BeginBinaryImportAsync(
            """COPY batch_job_items ("JobId", "ItemIndex", "Input") FROM STDIN (FORMAT BINARY)""", cancellationToken);
        foreach (var item in items)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(jobId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(item.Index, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(InputOf(item), NpgsqlDbType.Bytea, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    private static byte[] InputOf(JobItem item) => item.Image ?? Encoding.UTF8.GetBytes(item.Text ?? "");

    /// <summary>
    /// Jobs of <paramref name="queue"/> that still have work and whose items were all queued by <paramref name="queuedBy"/>:
    /// the ones a queue that lost its data at that moment must get back.
    /// </summary>
    public Task<List<(Guid Id, string ItemKind)>> UnfinishedJobsAsync(string queue, DateTimeOffset queuedBy, CancellationToken cancellationToken) =>
        scopes.RunInScopeAsync(async (db, token) => (await db.BatchJobs.AsNoTracking()
                .Where(job => job.Queue == queue && job.EnqueuedAt != null && job.EnqueuedAt <= queuedBy
                              && (job.State == BatchJobStates.Queued || job.State == BatchJobStates.Running))
                .OrderBy(job => job.CreatedAt)
                .Select(job => new { job.Id, job.ItemKind })
                .ToListAsync(token))
            .Select(job => (job.Id, job.ItemKind)).ToList(), cancellationToken, DatabaseDeadline.Background);

    /// <summary>One page, in item order after <paramref name="after"/>, of the job's items that have no stored result.</summary>
    public Task<List<JobItem>> ItemsNotDoneAsync(Guid jobId, string itemKind, int after, int limit, CancellationToken cancellationToken) =>
        scopes.RunInScopeAsync(async (db, token) => (await db.BatchJobItems.AsNoTracking()
                .Where(item => item.JobId == jobId && item.ItemIndex > after
                               && !db.BatchJobResults.Any(result => result.JobId == item.JobId && result.ItemIndex == item.ItemIndex))
                .OrderBy(item => item.ItemIndex)
                .Take(limit)
                .ToListAsync(token))
            .Select(item => itemKind == JobItemKinds.Image
                ? new JobItem(item.ItemIndex, null, item.Input)
                : new JobItem(item.ItemIndex, Encoding.UTF8.GetString(item.Input), null)).ToList(), cancellationToken, DatabaseDeadline.Background);
}
