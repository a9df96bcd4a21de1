using System.Globalization;
using System.Text;
using System.Text.Json;
using Inference.Api.Jobs;

namespace Inference.Api.Apis;

/// <summary>Streams every result of a job as NDJSON or CSV, row by row from one database cursor.</summary>
public static class JobResultDownloads
{
    public const string NdjsonContentType = "application/x-ndjson";
    public const string CsvContentType = "text/csv";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task WriteNdjsonAsync(Stream body, BatchJobStore store, Guid jobId, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024);
        await foreach (var result in store.StreamResultsAsync(jobId, cancellationToken))
        {
            await writer.WriteAsync(JsonSerializer.Serialize(BatchJobResultItem.From(result), Json));
            await writer.WriteAsync('\n');
        }
    }

    /// <summary>One row per item: index, status, label, score, error, input (RFC 4180 quoting).</summary>
    public static async Task WriteCsvAsync(Stream body, BatchJobStore store, Guid jobId, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024);
        await writer.WriteAsync("index,status,label,score,error,input\r\n");
        await foreach (var result in store.StreamResultsAsync(jobId, cancellationToken))
        {
            await writer.WriteAsync(string.Join(',',
                result.ItemIndex.ToString(CultureInfo.InvariantCulture),
                result.Succeeded ? "succeeded" : "failed",
                Quote(result.Label),
                result.Score?.ToString("0.######", CultureInfo.InvariantCulture) ?? string.Empty,
                Quote(result.Error),
                Quote(result.InputPreview)));
            await writer.WriteAsync("\r\n");
        }
    }

    private static string Quote(string? value) =>
        string.IsNullOrEmpty(value) ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value
        : $"\"{value.Replace("\"", "\"\"")}\"";
}
