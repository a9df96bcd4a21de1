using Inference.Api.Monitoring;

namespace Inference.Api.Data;

/// <summary>Drains <see cref="PredictionLog"/> into the database in batches (<see cref="IPredictionLogInserter"/>), off the request path.</summary>
public sealed class PredictionLogWriter(
    PredictionLog log, IPredictionLogInserter inserter, IServiceScopeFactory scopes, PlatformTelemetry telemetry, ILogger<PredictionLogWriter> logger)
    : BackgroundService
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!log.Enabled)
        {
            return;
        }

        var batch = new List<PredictionRecord>(MaxBatch);
        try
        {
            while (await log.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && log.Reader.TryRead(out var record))
                {
                    batch.Add(record);
                }
                await SaveAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; what was already read is saved best-effort below.
        }

        while (log.Reader.TryRead(out var record))
        {
            batch.Add(record);
        }
        if (batch.Count > 0)
        {
            await SaveAsync(batch, CancellationToken.None, attempts: 1);
        }
    }

    private async Task SaveAsync(List<PredictionRecord> batch, CancellationToken cancellationToken, int attempts = int.MaxValue)
    {
        using var activity = PlatformTelemetry.StartLogWrite(batch);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
                await inserter.InsertAsync(db, batch, cancellationToken);
                telemetry.RecordLogWritten(batch.Count, batch.Min(record => record.CreatedAt));
                if (attempt > 1)
                {
                    logger.LogInformation("Prediction log reached the database again after {Attempts} attempts", attempt);
                }

                return;
            }
            catch (Exception exception) when (inserter.IsRefusal(exception))
            {
                // A data error repeats on every retry: drop the batch (counted) rather than stall the log behind it.
                logger.LogError(exception, "Prediction log batch of {Count} entries was refused by the database", batch.Count);
                log.CountDropped(batch.Count, "refused by the database");
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Keep the batch and retry: the channel behind it bounds memory and counts drops.
                if (attempt >= attempts)
                {
                    logger.LogWarning(exception, "Dropping {Count} prediction log entries after {Attempts} attempt(s)", batch.Count, attempt);
                    log.CountDropped(batch.Count, "the database was unreachable at shutdown");
                    return;
                }

                if (attempt == 1)
                {
                    logger.LogWarning("Prediction log cannot reach the database, retrying: {Reason}", exception.Message);
                }

                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
