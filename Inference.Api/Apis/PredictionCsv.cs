using System.Globalization;
using System.Text;
using Inference.Api.Data;

namespace Inference.Api.Apis;

/// <summary>The prediction log as RFC 4180 CSV, written row by row as the database returns them.</summary>
public static class PredictionCsv
{
    public const string Header = "id,created_at,model,version,route,outcome,label,score,inference_ms,latency_ms,cached,shadow,key_id,input_hash,input_preview,trace_id";

    public static async Task WriteAsync(Stream body, IAsyncEnumerable<PredictionRecord> records, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024);
        await writer.WriteAsync(Header + "\r\n");
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(string.Join(',',
                record.Id.ToString(CultureInfo.InvariantCulture),
                record.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                Quote(record.Model),
                record.ModelVersion.ToString(CultureInfo.InvariantCulture),
                Quote(record.Route),
                Quote(record.Outcome),
                Quote(record.Label),
                record.Score.ToString("0.######", CultureInfo.InvariantCulture),
                record.InferenceTimeMs.ToString("0.###", CultureInfo.InvariantCulture),
                record.LatencyMs.ToString("0.###", CultureInfo.InvariantCulture),
                record.Cached ? "true" : "false",
                record.Shadow ? "true" : "false",
                Quote(record.KeyId),
                record.InputHash,
                Quote(record.InputPreview),
                record.TraceId ?? string.Empty));
            await writer.WriteAsync("\r\n");
        }
    }

    private static string Quote(string? value) =>
        string.IsNullOrEmpty(value) ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value
        : $"\"{value.Replace("\"", "\"\"")}\"";
}
