using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Jobs;

/// <summary>
/// The consumer in this process: reads micro-batches of new items from the stream, has <see cref="JobItemProcessor"/>
/// run them at background priority and store each result idempotently, then acknowledges. While it holds entries, a
/// heartbeat keeps resetting their idle time. Items a dead consumer left pending (or whose delivery a consumer never
/// received, its read timing out) are taken over after <see cref="BatchJobOptions.ReclaimAfter"/>: on their first
/// redelivery together, as they came; delivered more often than that, one at a time, so an item that kills its process
/// cannot take its batch-mates down with it; after <see cref="BatchJobOptions.MaxAttempts"/> deliveries it is stored as failed.
/// </summary>
public sealed class JobConsumer : BackgroundService
{
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BacklogMeasureInterval = TimeSpan.FromSeconds(2);

    private readonly JobStream _stream;
    private readonly JobItemProcessor _processor;
    private readonly JobQueueRestorer _restorer;
    private readonly IJobItemRunner _runner;
    private readonly BatchJobOptions _options;
    private readonly JobTelemetry _telemetry;
    private readonly ILogger<JobConsumer> _logger;
    private readonly SemaphoreSlim _slots;
    // Held by the one micro-batch allowed to run while online requests are arriving.
    private readonly SemaphoreSlim _yieldTurn = new(1);
    // Entries this consumer holds; the heartbeat keeps them from looking abandoned.
    private readonly ConcurrentDictionary<RedisValue, byte> _inFlight = new();
    private bool _redisFailing;
    private CancellationToken _stopping;

    public JobConsumer(JobStream stream, JobItemProcessor processor, JobQueueRestorer restorer, IJobItemRunner runner,
        IOptions<BatchJobOptions> options, JobTelemetry telemetry, ILogger<JobConsumer> logger)
    {
        (_stream, _processor, _restorer, _runner, _options, _telemetry, _logger) = (stream, processor, restorer, runner, options.Value, telemetry, logger);
        _slots = new SemaphoreSlim(Math.Max(1, _options.ConcurrentBatches));
        // Unique per process: a restarted process never inherits a dead one's entries except by reclaiming them.
        Name = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    }

    public string Name { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
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
            RepeatAsync(ReclaimAsync, reclaimEvery, stoppingToken),
            RepeatAsync(async _ => _telemetry.BacklogMeasured(await _stream.BacklogAsync()), BacklogMeasureInterval, stoppingToken));
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

            await _restorer.RestoreIfOwedAsync(stoppingToken);
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
            // Bursts a failure left unprocessed too: no longer held here, they go idle and are reclaimed.
            foreach (var delivery in deliveries)
            {
                _inFlight.TryRemove(delivery.EntryId, out _);
            }
            if (yielding)
            {
                _yieldTurn.Release();
            }
            _slots.Release();
        }
    }

    /// <summary>Takes over abandoned entries, scanning the whole pending list once; runs first redeliveries together and the others one at a time.</summary>
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
            // A stall (GC, a starved thread pool) can let this consumer's own entries idle past ReclaimAfter, and
            // XAUTOCLAIM hands those back too: they are still running here, so only the others are taken over.
            var takenOver = claimed.Where(delivery => _inFlight.TryAdd(delivery.EntryId, 0)).ToArray();
            if (takenOver.Length > 0)
            {
                _telemetry.ItemsReclaimed(takenOver.Length);
                _logger.LogInformation("Took over {Count} job item(s) left unfinished by a stopped consumer", takenOver.Length);
            }
            // A whole micro-batch is pending after a lost read reply or a consumer's crash; only an item delivered again
            // after that may be what crashed its consumers.
            var batches = takenOver.Where(delivery => delivery.Attempt <= 2).Chunk(_options.ReadBatchSize)
                .Concat(takenOver.Where(delivery => delivery.Attempt > 2).Select(delivery => new[] { delivery }));
            foreach (var batch in batches)
            {
                await _slots.WaitAsync(stoppingToken);
                await ProcessAndReleaseAsync(batch, stoppingToken);
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
                settled.AddRange(await _processor.ProcessAsync(items.Key, [.. items], Name, stoppingToken));
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
        catch (Exception exception) when (JobStream.IsMissingGroup(exception))
        {
            await _restorer.RecreateGroupAsync();
            return false;
        }
        // Anything but our own stop is an outage to retry: a command on a torn-down connection (a dead socket after a
        // freeze) ends as cancelled, or as StackExchange.Redis' InvalidOperationException from its completed pipe reader.
        catch (Exception exception) when (exception is not OperationCanceledException || !_stopping.IsCancellationRequested)
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
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
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
