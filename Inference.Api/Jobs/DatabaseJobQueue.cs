using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Jobs;

/// <summary>
/// Embedded mode's job queue: items wait as rows of <c>queued_job_items</c> beside their job, so accepted work survives a
/// restart, and one in-process worker (<see cref="EmbeddedJobWorker"/>) takes them. A taken item stays out of sight for
/// <see cref="BatchJobOptions.ReclaimAfter"/> and is deleted once settled; its result is stored by the same idempotent
/// write as with Redis, so an item taken again after a crash is never stored twice.
/// </summary>
public sealed class DatabaseJobQueue(IServiceScopeFactory scopes, TimeProvider time) : IJobQueue
{
    private const int AddChunk = 1000;
    private readonly SemaphoreSlim _added = new(0, 1);

    public async Task<long> LengthAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        return await Items(scope).LongCountAsync();
    }

    public async Task AddAsync(Guid jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var chunk in items.Chunk(AddChunk))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.AddRange(chunk.Select(item => new QueuedJobItem
            {
                JobId = jobId,
                ItemIndex = item.Index,
                Text = item.Text,
                Image = item.Image,
                AvailableAt = now,
            }));
            await db.SaveChangesAsync(cancellationToken);
        }
        Signal();
    }

    /// <summary>Makes every item available now: at start, what a stopped process had taken is this one's to run.</summary>
    public async Task<int> ReleaseTakenAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow();
        return await Items(scope).Where(item => item.AvailableAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(item => item.AvailableAt, now), cancellationToken);
    }

    /// <summary>Takes up to <paramref name="count"/> available items, oldest first, counting an attempt for each.</summary>
    public async Task<JobDelivery[]> TakeAsync(int count, TimeSpan hold, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
        var now = time.GetUtcNow();
        // SQLite's transactions are immediate: nothing else writes between the read and the update.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var taken = await db.Set<QueuedJobItem>().Where(item => item.AvailableAt <= now).OrderBy(item => item.Id).Take(count)
            .ToListAsync(cancellationToken);
        foreach (var item in taken)
        {
            item.Attempts++;
            item.AvailableAt = now + hold;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. taken.Select(item => new JobDelivery(item.Id, item.JobId, item.ItemIndex, item.Text, item.Image, item.Attempts))];
    }

    /// <summary>Deletes settled items.</summary>
    public async Task RemoveAsync(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        await Items(scope).Where(item => ids.Contains(item.Id)).ExecuteDeleteAsync();
    }

    /// <summary>Completes when items were added, or after <paramref name="timeout"/>.</summary>
    public async Task WaitForItemsAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _added.WaitAsync(timeout, cancellationToken);

    private void Signal()
    {
        try
        {
            _added.Release();
        }
        catch (SemaphoreFullException)
        {
            // The worker has a wake-up waiting already.
        }
    }

    private static DbSet<QueuedJobItem> Items(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<InferenceDbContext>().Set<QueuedJobItem>();
}
