using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Inference.Api.Data;

/// <summary>
/// Deletes prediction log entries older than <see cref="PredictionLogOptions.RetentionDays"/>, in batches so no
/// statement holds locks for long. Every replica runs it; deleting is idempotent.
/// </summary>
public sealed class PredictionLogRetention(
    IServiceScopeFactory scopes, IOptions<PredictionLogOptions> options, ILogger<PredictionLogRetention> logger) : BackgroundService
{
    private const int BatchSize = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionDays <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RetentionInterval);
        do
        {
            try
            {
                var deleted = await DeleteExpiredAsync(DateTimeOffset.UtcNow.AddDays(-options.Value.RetentionDays), stoppingToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Deleted {Count} prediction log entries older than {Days} days", deleted, options.Value.RetentionDays);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Prediction log retention will try again later: {Reason}", exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<long> DeleteExpiredAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
        long total = 0;
        int deleted;
        do
        {
            // The CreatedAt index finds the oldest rows; the limit keeps each statement short (DELETE ... WHERE "Id" IN (SELECT ... LIMIT n)).
            var oldest = db.Predictions.Where(prediction => prediction.CreatedAt < cutoff).OrderBy(prediction => prediction.CreatedAt)
                .Select(prediction => prediction.Id).Take(BatchSize);
            deleted = await db.Predictions.Where(prediction => oldest.Contains(prediction.Id)).ExecuteDeleteAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize);
        return total;
    }
}
