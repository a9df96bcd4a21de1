using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Jobs;

/// <summary>
/// Refills a queue that lost its data (Redis restarted empty, the stream deleted) from Postgres, which holds every
/// accepted item: each unfinished job of this queue whose items were all queued before the group was re-created gets
/// back every item that has no stored result. Items already in the new stream (queued since) may arrive twice; such
/// entries are marked restored, and the processor settles a restored item whose result is stored without running it,
/// so every item is still stored exactly once. The consumer that re-creates the group owes the restore; the mark it
/// leaves in Redis until the restore is done lets the next process finish one that stopped halfway.
/// </summary>
public sealed class JobQueueRestorer(BatchJobStore store, JobStream stream, IOptions<BatchJobOptions> options, ILogger<JobQueueRestorer> logger)
{
    private const int PageSize = 1000;

    // Checked once at start too, for a restore a stopped process left unfinished.
    private volatile bool _owed = true;
    private bool _failing;

    /// <summary>The group is gone with the queue's data: re-creates it; if this call did, the restore is this process's to do.</summary>
    public async Task RecreateGroupAsync()
    {
        logger.LogWarning("Consumer group {Group} is missing (the job queue lost its data); re-creating it", options.Value.ConsumerGroup);
        try
        {
            if (await stream.EnsureGroupAsync())
            {
                _owed = true;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Redis went away again (whatever the driver threw): the next read meets the missing group again.
        }
    }

    /// <summary>Restores what the queue is owed, if anything; a failure (Redis or Postgres away) leaves it owed, tried again on the next call.</summary>
    public async Task RestoreIfOwedAsync(CancellationToken stoppingToken)
    {
        if (!_owed)
        {
            return;
        }
        try
        {
            await RestoreAsync(stoppingToken);
            _owed = false;
            _failing = false;
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                logger.LogWarning("Cannot restore the job queue yet, retrying: {Reason}", exception.Message);
                _failing = true;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the mark in Redis leaves the restore to the next process.
        }
    }

    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (await stream.PendingRestoreAsync() is not { } since)
        {
            return;
        }
        var jobs = await store.UnfinishedJobsAsync(options.Value.StreamKey, since, cancellationToken);
        var restored = 0;
        foreach (var (jobId, itemKind) in jobs)
        {
            for (var after = -1; ;)
            {
                var items = await store.ItemsNotDoneAsync(jobId, itemKind, after, PageSize, cancellationToken);
                if (items.Count == 0)
                {
                    break;
                }
                await stream.AddAsync(jobId, items, cancellationToken, restored: true);
                restored += items.Count;
                after = items[^1].Index;
            }
        }
        await stream.FinishRestoreAsync(since);
        if (jobs.Count > 0)
        {
            logger.LogWarning("The job queue had lost its data: re-queued {Items} item(s) not yet done of {Jobs} unfinished job(s)", restored, jobs.Count);
        }
    }
}
