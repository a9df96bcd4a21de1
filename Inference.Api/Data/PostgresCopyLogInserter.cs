using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Inference.Api.Data;

/// <summary>Postgres' fast path for the prediction log: one binary COPY per batch.</summary>
public sealed class PostgresCopyLogInserter : IPredictionLogInserter
{
    /// <summary>
    /// Binary COPY: one round trip and no change tracking per batch, so logging costs the request path's
    /// CPU as little as possible.
    /// </summary>
    public async Task InsertAsync(InferenceDbContext db, IReadOnlyList<PredictionRecord> batch, CancellationToken cancellationToken)
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

    private static async Task WriteBatchAsync(NpgsqlConnection connection, IReadOnlyList<PredictionRecord> batch, CancellationToken cancellationToken)
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

    /// <summary>Data errors (SQLSTATE classes 22 and 23) repeat on every retry.</summary>
    public bool IsRefusal(Exception exception) =>
        exception is PostgresException postgres && (postgres.SqlState.StartsWith("22", StringComparison.Ordinal)
                                                     || postgres.SqlState.StartsWith("23", StringComparison.Ordinal));
}
