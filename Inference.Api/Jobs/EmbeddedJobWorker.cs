using Microsoft.Extensions.Options;

namespace Inference.Api.Jobs;

/// <summary>
/// Embedded mode's consumer: takes micro-batches from <see cref="DatabaseJobQueue"/>, has <see cref="JobItemProcessor"/>
/// run them at background priority and store each result idempotently (as the Redis consumer does), then deletes the
/// settled items. Items left unsettled (a retryable failure) come back after <see cref="BatchJobOptions.ReclaimAfter"/>;
/// after <see cref="BatchJobOptions.MaxAttempts"/> takes they are stored as failed.
/// </summary>
public sealed class EmbeddedJobWorker(
    DatabaseJobQueue queue, JobItemProcessor processor, IJobItemRunner runner, IOptions<BatchJobOptions> options, ILogger<EmbeddedJobWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(2);
    private readonly BatchJobOptions _options = options.Value;
    private readonly string _name = $"{Environment.MachineName}-{Environment.ProcessId}-embedded";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await runner.WaitUntilReadyAsync(stoppingToken);
            var resumed = await queue.ReleaseTakenAsync(stoppingToken);
            logger.LogInformation("Job worker {Worker} reads the database queue{Resumed}", _name,
                resumed > 0 ? $"; {resumed} item(s) taken before a restart run again" : "");
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await RunOneBatchAsync(stoppingToken))
                {
                    await queue.WaitForItemsAsync(_options.PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: taken items are released at the next start.
        }
    }

    /// <summary>Runs one micro-batch; false when there was nothing to do.</summary>
    private async Task<bool> RunOneBatchAsync(CancellationToken stoppingToken)
    {
        try
        {
            var deliveries = await queue.TakeAsync(_options.ReadBatchSize, _options.ReclaimAfter, stoppingToken);
            if (deliveries.Length == 0)
            {
                return false;
            }
            var settled = new List<long>(deliveries.Length);
            foreach (var items in deliveries.GroupBy(delivery => delivery.JobId))
            {
                var entries = await processor.ProcessAsync(items.Key, [.. items], _name, stoppingToken);
                settled.AddRange(entries.Select(entry => (long)entry));
            }
            await queue.RemoveAsync(settled);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Job items stay queued and run again after {ReclaimAfter}", _options.ReclaimAfter);
            await Task.Delay(ErrorBackoff, stoppingToken);
            return true;
        }
    }
}
