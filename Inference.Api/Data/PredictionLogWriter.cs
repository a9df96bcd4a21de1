using Inference.Api.Monitoring;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Inference.Api.Data;

/// <summary>Drains <see cref="PredictionLog"/> into Postgres in batches (binary COPY), off the request path.</summary>
public sealed class PredictionLogWriter(PredictionLog log, IServiceScopeFactory scopes, PlatformTelemetry telemetry, ILogger<PredictionLogWriter> logger)
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

    /// <summary>
    /// Binary COPY: one round trip and no change tracking per batch, so logging costs the request path's
    /// CPU as little as possible.
    /// </summary>
    private static async Task CopyAsync(InferenceDbContext db, List<PredictionRecord> batch, CancellationToken cancellationToken)
    {
        // Opened directly, not through EF and its retrying execution strategy: while the database is down the open fails
        // within its timeout, so this loop can say so, keep the batch and retry on its own schedule.
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        try
        {
            await WriteBatchAsync(connection, batch, cancellationToken);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    private static async Task WriteBatchAsync(NpgsqlConnection connection, List<PredictionRecord> batch, CancellationToken cancellationToken)
    {
        await using var import = await connection.BeginBinaryImportAsync(
            """COPY predictions ("CreatedAt", "Model", "ModelVersion", "Route", "InputHash", "InputPreview", "Label", "Score", "InferenceTimeMs", "LatencyMs", "Cached", "Outcome", "Shadow", "KeyId", "TraceId") FROM STDIN (FORMAT BINARY)""",
            cancellationToken);
        foreach (var record in batch)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(record.CreatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(record.Model, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(record.ModelVersion, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(record.Route, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(record.InputHash, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(import, record.InputPreview, cancellationToken);
            await WriteNullableAsync(import, record.Label, cancellationToken);
            await import.WriteAsync(record.Score, NpgsqlDbType.Real, cancellationToken);
            await import.WriteAsync(record.InferenceTimeMs, NpgsqlDbType.Double, cancellationToken);
            await import.WriteAsync(record.LatencyMs, NpgsqlDbType.Double, cancellationToken);
            await import.WriteAsync(record.Cached, NpgsqlDbType.Boolean, cancellationToken);
            await import.WriteAsync(record.Outcome, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(record.Shadow, NpgsqlDbType.Boolean, cancellationToken);
            await WriteNullableAsync(import, record.KeyId, cancellationToken);
            await WriteNullableAsync(import, record.TraceId, cancellationToken);
        }

        await import.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter import, string? value, CancellationToken cancellationToken) =>
        value is null ? import.WriteNullAsync(cancellationToken) : import.WriteAsync(value, NpgsqlDbType.Varchar, cancellationToken);

    private async Task SaveAsync(List<PredictionRecord> batch, CancellationToken cancellationToken, int attempts = int.MaxValue)
    {
        using var activity = PlatformTelemetry.StartLogWrite(batch);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
                await CopyAsync(db, batch, cancellationToken);
                telemetry.RecordLogWritten(batch.Count, batch.Min(record => record.CreatedAt));
                if (attempt > 1)
                {
                    logger.LogInformation("Prediction log reached the database again after {Attempts} attempts", attempt);
                }

                return;
            }
            catch (PostgresException exception) when (exception.SqlState.StartsWith("22", StringComparison.Ordinal)
                                                      || exception.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                // A data error repeats on every retry: drop the batch (counted) rather than stall the log behind it.
                logger.LogError(exception, "Prediction log batch of {Count} entries was refused by the database", batch.Count);
                log.CountDropped(batch.Count, "refused by the database");
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
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
