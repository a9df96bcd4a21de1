using Microsoft.Extensions.Options;

namespace Inference.Api.Jobs;

/// <summary>
/// Every <see cref="BatchJobOptions.CleanupInterval"/>: deletes finished jobs past their retention, fails submissions
/// that never finished queueing, trims processed stream entries (when they are kept) and forgets long-gone consumers.
/// Every replica runs it; each step is idempotent.
/// </summary>
public sealed class JobRetentionService(
    BatchJobStore store, IOptions<BatchJobOptions> options, ILogger<JobRetentionService> logger, JobStream? stream = null)
    : BackgroundService
{
    private static readonly TimeSpan AbandonedSubmissionAge = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan GoneConsumerIdle = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.CleanupInterval);
        try
        {
            do
            {
                await CleanUpAsync(settings, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task CleanUpAsync(BatchJobOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            var now = DateTimeOffset.UtcNow;
            var deleted = await store.DeleteFinishedBeforeAsync(now - settings.FinishedJobRetention, stoppingToken);
            var abandoned = await store.FailAbandonedSubmissionsAsync(now - AbandonedSubmissionAge, stoppingToken);
            // Embedded mode has no stream: its queue deletes settled items itself.
            var trimmed = stream is null || settings.DeleteProcessedEntries ? 0 : await stream.TrimProcessedAsync(settings.ProcessedEntryRetention);
            var consumers = stream is null ? 0 : await stream.RemoveIdleConsumersAsync(GoneConsumerIdle);
            if (deleted + abandoned + trimmed + consumers > 0)
            {
                logger.LogInformation(
                    "Job retention: {Deleted} finished job(s) deleted, {Abandoned} abandoned submission(s) failed, {Trimmed} stream entries trimmed, {Consumers} idle consumer(s) removed",
                    deleted, abandoned, trimmed, consumers);
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // The database or Redis may be starting or briefly away (a torn-down Redis connection cancels its commands);
            // the next round tries again.
            logger.LogWarning("Job retention could not run: {Reason}", exception.Message);
        }
    }
}
