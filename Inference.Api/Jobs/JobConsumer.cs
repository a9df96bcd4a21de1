using System.Collections.Concurrent;
using System.Diagnostics;
using Inference.Api.Data;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Jobs;

/// <summary>
/// The consumer in this process: reads micro-batches of new items from the stream, runs them at background
/// priority, stores each result idempotently, then acknowledges. Items a dead consumer left pending are taken over
/// after <see cref="BatchJobOptions.ReclaimAfter"/> and run one at a time, so an item that kills its process cannot
/// take its batch-mates down with it; after <see cref="BatchJobOptions.MaxAttempts"/> deliveries it is stored as failed.
/// </summary>
public sealed class JobConsumer : BackgroundService
{
    private const int MaxCachedJobs = 10_000;
    private static readonly TimeSpan JobStateRefresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(2);

    private readonly JobStream _stream;
    private readonly BatchJobStore _store;
    private readonly IJobItemRunner _runner;
    private readonly BatchJobOptions _options;
    private readonly JobTelemetry _telemetry;
    private readonly ILogger<JobConsumer> _logger;
    private readonly SemaphoreSlim _slots;
    // Held by the one micro-batch allowed to run while online requests are arriving.
    private readonly SemaphoreSlim _yieldTurn = new(1);
    // Entries this consumer holds; the heartbeat keeps them from looking abandoned.
    private readonly ConcurrentDictionary<RedisValue, byte> _inFlight = new();
    private readonly ConcurrentDictionary<Guid, (BatchJob? Job, DateTime FetchedAt)> _jobs = new();
    private bool _redisFailing;

    public JobConsumer(JobStream stream, BatchJobStore store, IJobItemRunner runner, IOptions<BatchJobOptions> options,
        JobTelemetry telemetry, ILogger<JobConsumer> logger)
    {
        (_stream, _store, _runner, _options, _telemetry, _logger) = (stream, store, runner, options.Value, telemetry, logger);
        _slots = new SemaphoreSlim(Math.Max(1, _options.ConcurrentBatches));
        // Unique per process: a restarted process never inherits a dead one's entries except by reclaiming them.
        Name = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    }

    public string Name { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _runner.WaitUntilReadyAsync(stoppingToken);
            while (!await TryAsync(_stream.EnsureGroupAsync, "create the consumer group"))
            {
                await Task.Delay(ErrorBackoff, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        _logger.LogInformation("Job consumer {Consumer} reads {Stream} in group {Group}", Name, _options.StreamKey, _options.ConsumerGroup);

        var reclaimEvery = TimeSpan.FromTicks(Math.Clamp(_options.ReclaimAfter.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
        var periodic = Task.WhenAll(
            RepeatAsync(HeartbeatAsync, _options.ReclaimAfter / 3, stoppingToken),
            RepeatAsync(ReclaimAsync, reclaimEvery, stoppingToken));
        await ReadNewItemsAsync(stoppingToken);
        await periodic;

        // Let running micro-batches store and acknowledge what they finished.
        for (var slot = 0; slot < Math.Max(1, _options.ConcurrentBatches); slot++)
        {
            await _slots.WaitAsync(CancellationToken.None);
        }
    }

    private async Task ReadNewItemsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            JobDelivery[] deliveries = [];
            if (!await TryAsync(async () => deliveries = await _stream.ReadNewAsync(Name, _options.ReadBatchSize), "read the job stream")
                || deliveries.Length == 0)
            {
                _slots.Release();
                await DelayAsync(_redisFailing ? ErrorBackoff : _options.PollInterval, stoppingToken);
                continue;
            }
            // Runs beside the next read, up to ConcurrentBatches at once.
            _ = ProcessAndReleaseAsync(deliveries, stoppingToken);
        }
    }

    private async Task ProcessAndReleaseAsync(IReadOnlyList<JobDelivery> deliveries, CancellationToken stoppingToken)
    {
        foreach (var delivery in deliveries)
        {
            // Heartbeat from now on, also while waiting for a turn.
            _inFlight.TryAdd(delivery.EntryId, 0);
        }
        var yielding = _options.RestWhileOnline > 0 && _runner.OnlineTrafficWithin(_options.OnlineTrafficWindow);
        try
        {
            if (!yielding)
            {
                await ProcessAsync(deliveries, stoppingToken);
                return;
            }
            await _yieldTurn.WaitAsync(CancellationToken.None);
            // Short bursts, each followed by a rest in proportion to its run time: the job's share of one worker is
            // 1 / (1 + RestWhileOnline), and an online request never meets more than one small burst.
            foreach (var burst in deliveries.Chunk(Math.Max(1, _options.BurstWhileOnline)))
            {
                var started = Stopwatch.GetTimestamp();
                await ProcessAsync(burst, stoppingToken);
                await DelayAsync(Stopwatch.GetElapsedTime(started) * _options.RestWhileOnline, stoppingToken);
            }
        }
        catch (Exception exception)
        {
            _logger.LogWarning(exception, "{Count} job item(s) stay pending and will be retried after {ReclaimAfter}", deliveries.Count, _options.ReclaimAfter);
        }
        finally
        {
            if (yielding)
            {
                _yieldTurn.Release();
            }
            _slots.Release();
        }
    }

    /// <summary>Takes over abandoned entries, scanning the whole pending list once, and runs them one at a time.</summary>
    private async Task ReclaimAsync(CancellationToken stoppingToken)
    {
        RedisValue cursor = "0-0";
        do
        {
            var (claimed, next, vanished) = await _stream.ReclaimAsync(Name, cursor, _options.ReadBatchSize);
            if (vanished > 0)
            {
                _logger.LogWarning("{Count} pending job item(s) were removed from the stream before they ran", vanished);
            }
            if (claimed.Length > 0)
            {
                _telemetry.ItemsReclaimed(claimed.Length);
                _logger.LogInformation("Took over {Count} job item(s) left unfinished by a stopped consumer", claimed.Length);
            }
            foreach (var delivery in claimed)
            {
                _inFlight.TryAdd(delivery.EntryId, 0);
            }
            foreach (var delivery in claimed)
            {
                await _slots.WaitAsync(stoppingToken);
                await ProcessAndReleaseAsync([delivery], stoppingToken);
            }
            cursor = next;
        }
        while (cursor != "0-0" && !stoppingToken.IsCancellationRequested);
    }

    private Task HeartbeatAsync(CancellationToken stoppingToken) => _stream.KeepClaimedAsync(Name, [.. _inFlight.Keys]);

    private async Task ProcessAsync(IReadOnlyList<JobDelivery> deliveries, CancellationToken stoppingToken)
    {
        foreach (var delivery in deliveries)
        {
            _inFlight.TryAdd(delivery.EntryId, 0);
        }
        try
        {
            var settled = new List<RedisValue>(deliveries.Count);
            foreach (var malformed in deliveries.Where(delivery => delivery.IsMalformed))
            {
                _logger.LogWarning("Dropping stream entry {Entry}: it names no job or item", malformed.EntryId);
                settled.Add(malformed.EntryId);
            }
            foreach (var items in deliveries.Where(delivery => !delivery.IsMalformed).GroupBy(delivery => delivery.JobId))
            {
                settled.AddRange(await ProcessJobItemsAsync(items.Key, [.. items], stoppingToken));
            }
            await _stream.SettleAsync(settled);
        }
        finally
        {
            foreach (var delivery in deliveries)
            {
                _inFlight.TryRemove(delivery.EntryId, out _);
            }
        }
    }

    /// <summary>Runs and stores one job's share of a micro-batch; returns the entries that are settled (safe to acknowledge).</summary>
    private async Task<IEnumerable<RedisValue>> ProcessJobItemsAsync(Guid jobId, List<JobDelivery> items, CancellationToken stoppingToken)
    {
        var job = await FindJobAsync(jobId);
        if (job is null || BatchJobStates.IsFinished(job.State))
        {
            _telemetry.ItemsSettled("skipped", items.Count);
            return items.Select(item => item.EntryId);
        }

        var results = new List<(JobDelivery Item, BatchJobResult Result)>(items.Count);
        foreach (var exhausted in items.Where(item => item.Attempt > _options.MaxAttempts))
        {
            results.Add((exhausted, JobItemResults.Failed(exhausted, job,
                $"Gave up after {_options.MaxAttempts} attempts: the process running this item stopped each time before finishing it.")));
        }

        var runnable = items.Where(item => item.Attempt <= _options.MaxAttempts).ToList();
        // Items run to the end even while the host stops: a finished result is cheaper than a redelivery.
        var outcomes = runnable.Count == 0 ? [] : await _runner.RunAsync(job, runnable, CancellationToken.None);
        var retried = 0;
        foreach (var (item, outcome) in runnable.Zip(outcomes))
        {
            if (outcome.Result is { } result)
            {
                results.Add((item, JobItemResults.Succeeded(item, job, result)));
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
                _logger.LogWarning("Job {Job} item {Index} failed attempt {Attempt} of {MaxAttempts}, will retry: {Error}",
                    jobId, item.ItemIndex, item.Attempt, _options.MaxAttempts, outcome.Error);
            }
        }

        await StoreAsync(jobId, [.. results.Select(pair => pair.Result)], stoppingToken);
        _telemetry.ItemsSettled("succeeded", results.Count(pair => pair.Result.Succeeded));
        _telemetry.ItemsSettled("failed", results.Count(pair => !pair.Result.Succeeded));
        _telemetry.ItemsSettled("retried", retried);
        return results.Select(pair => pair.Item.EntryId);
    }

    /// <summary>Stores results, retrying while Postgres is unreachable (the heartbeat keeps the entries ours meanwhile).</summary>
    private async Task StoreAsync(Guid jobId, IReadOnlyList<BatchJobResult> results, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.RecordResultsAsync(jobId, results, Name, CancellationToken.None);
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    _logger.LogWarning("Cannot store results of job {Job}, retrying: {Reason}", jobId, exception.Message);
                }
                await Task.Delay(ErrorBackoff, stoppingToken);
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
        var job = await _store.FindAsync(jobId, CancellationToken.None);
        _jobs[jobId] = (job, now);
        return job;
    }

    /// <summary>Runs a Redis call, logging an outage once rather than on every poll.</summary>
    private async Task<bool> TryAsync(Func<Task> action, string what)
    {
        try
        {
            await action();
            if (_redisFailing)
            {
                _logger.LogInformation("Job stream reachable again");
                _redisFailing = false;
            }
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            if (!_redisFailing)
            {
                _logger.LogWarning("Cannot {What}, retrying: {Reason}", what, exception.Message);
                _redisFailing = true;
            }
            return false;
        }
    }

    /// <summary>Runs <paramref name="work"/> every <paramref name="interval"/> until stopping; a failed round is logged and the next one runs.</summary>
    private async Task RepeatAsync(Func<CancellationToken, Task> work, TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval > TimeSpan.FromMilliseconds(50) ? interval : TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await TryAsync(() => work(stoppingToken), "maintain pending job items");
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    _logger.LogWarning(exception, "Maintaining pending job items failed; trying again in {Interval}", interval);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop condition ends the loop.
        }
    }
}
