using System.Collections.Concurrent;
using Inference.Api.Data;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Jobs;

/// <summary>
/// Settles one job's share of a micro-batch: items of a finished job are skipped, redelivered items whose result is
/// already stored are not run again, items past <see cref="BatchJobOptions.MaxAttempts"/> are stored as failed, and
/// the rest run and are stored idempotently. Says which stream entries are settled (safe to acknowledge).
/// </summary>
public sealed class JobItemProcessor(
    BatchJobStore store, IJobItemRunner runner, IOptions<BatchJobOptions> options, JobTelemetry telemetry, ILogger<JobItemProcessor> logger)
{
    private const int MaxCachedJobs = 10_000;
    private static readonly TimeSpan JobStateRefresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StoreRetryDelay = TimeSpan.FromSeconds(2);

    private readonly BatchJobOptions _options = options.Value;
    private readonly ConcurrentDictionary<Guid, (BatchJob? Job, DateTime FetchedAt)> _jobs = new();

    /// <summary>Runs and stores <paramref name="items"/> of one job as <paramref name="consumer"/>; returns the settled entries.</summary>
    public async Task<IEnumerable<RedisValue>> ProcessAsync(Guid jobId, IReadOnlyList<JobDelivery> items, string consumer, CancellationToken stoppingToken)
    {
        var job = await FindJobAsync(jobId);
        if (job is null || BatchJobStates.IsFinished(job.State))
        {
            telemetry.ItemsSettled("skipped", items.Count);
            return items.Select(item => item.EntryId);
        }

        // A redelivery (its consumer stored the result but stopped, or stalled past ReclaimAfter, before acknowledging)
        // or a restored item (re-queued after the queue lost its data) must not run again once its result is stored:
        // the stored result is the item's one result.
        var redelivered = items.Where(item => item.Attempt > 1 || item.Restored).Select(item => item.ItemIndex).ToList();
        var stored = redelivered.Count == 0 ? [] : await store.StoredItemsAsync(jobId, redelivered, CancellationToken.None);
        var alreadyStored = items.Where(item => stored.Contains(item.ItemIndex)).ToList();
        telemetry.ItemsSettled("duplicate", alreadyStored.Count);

        var results = new List<(JobDelivery Item, BatchJobResult Result)>(items.Count);
        var open = items.Where(item => !stored.Contains(item.ItemIndex)).ToList();
        foreach (var exhausted in open.Where(item => item.Attempt > _options.MaxAttempts))
        {
            results.Add((exhausted, JobItemResults.Failed(exhausted, job,
                $"Gave up after {_options.MaxAttempts} attempts: the process running this item stopped each time before finishing it.")));
        }

        var runnable = open.Where(item => item.Attempt <= _options.MaxAttempts).ToList();
        // Items run to the end even while the host stops: a finished result is cheaper than a redelivery.
        var outcomes = runnable.Count == 0 ? [] : await runner.RunAsync(job, runnable, CancellationToken.None);
        var retried = 0;
        foreach (var (item, outcome) in runnable.Zip(outcomes))
        {
            if (outcome.Succeeded)
            {
                results.Add((item, JobItemResults.Succeeded(item, job, outcome)));
            }
            else if (!outcome.Retryable)
            {
                results.Add((item, JobItemResults.Failed(item, job, outcome.Error ?? "The item failed.")));
            }
            else if (item.Attempt >= _options.MaxAttempts)
            {
                results.Add((item, JobItemResults.Failed(item, job, $"Failed {item.Attempt} attempts; the last one: {outcome.Error}")));
            }
            else
            {
                // Left pending: it goes idle and is reclaimed (by any consumer) for another attempt.
                retried++;
                logger.LogWarning("Job {Job} item {Index} failed attempt {Attempt} of {MaxAttempts}, will retry: {Error}",
                    jobId, item.ItemIndex, item.Attempt, _options.MaxAttempts, outcome.Error);
            }
        }

        await StoreAsync(jobId, [.. results.Select(pair => pair.Result)], consumer, stoppingToken);
        telemetry.ItemsSettled("succeeded", results.Count(pair => pair.Result.Succeeded));
        telemetry.ItemsSettled("failed", results.Count(pair => !pair.Result.Succeeded));
        telemetry.ItemsSettled("retried", retried);
        return alreadyStored.Concat(results.Select(pair => pair.Item)).Select(item => item.EntryId);
    }

    /// <summary>Stores results, retrying while Postgres is unreachable (the heartbeat keeps the entries ours meanwhile).</summary>
    private async Task StoreAsync(Guid jobId, IReadOnlyList<BatchJobResult> results, string consumer, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.RecordResultsAsync(jobId, results, consumer, CancellationToken.None);
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    logger.LogWarning("Cannot store results of job {Job}, retrying: {Reason}", jobId, exception.Message);
                }
                await Task.Delay(StoreRetryDelay, stoppingToken);
            }
        }
    }

    /// <summary>The job's row, re-read at most once a second so a cancellation is seen quickly without a query per item.</summary>
    private async Task<BatchJob?> FindJobAsync(Guid jobId)
    {
        var now = DateTime.UtcNow;
        if (_jobs.TryGetValue(jobId, out var cached)
            && (cached.Job is { } known && BatchJobStates.IsFinished(known.State) || now - cached.FetchedAt < JobStateRefresh))
        {
            return cached.Job;
        }
        if (_jobs.Count > MaxCachedJobs)
        {
            _jobs.Clear();
        }
        var job = await store.FindForConsumerAsync(jobId, CancellationToken.None);
        _jobs[jobId] = (job, now);
        return job;
    }
}
