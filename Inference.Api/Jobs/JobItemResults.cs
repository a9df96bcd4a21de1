using System.Text.Json;
using Inference.Api.Data;
using Inference.Engine;

namespace Inference.Api.Jobs;

/// <summary>The result rows a consumer stores for an item: its prediction or vector, or why it failed.</summary>
public static class JobItemResults
{
    private const int InputPreviewLength = 200;
    private static readonly JsonSerializerOptions PredictionJson = new(JsonSerializerDefaults.Web);

    /// <summary>A classification's label, score and ranked classes, or an embedding's vector.</summary>
    public static BatchJobResult Succeeded(JobDelivery item, BatchJob job, JobItemOutcome outcome) => new()
    {
        JobId = job.Id,
        ItemIndex = item.ItemIndex,
        Succeeded = true,
        Label = outcome.Result?.Label,
        Score = outcome.Result?.Score,
        Predictions = outcome.Result is { } result ? JsonSerializer.Serialize(result.Predictions, PredictionJson) : null,
        Embedding = outcome.Embedding?.Embeddings[0],
        Attempts = item.Attempt,
        InputPreview = Preview(item),
        InferenceTimeMs = outcome.Result?.InferenceTimeMs ?? outcome.Embedding?.InferenceTimeMs,
    };

    public static BatchJobResult Failed(JobDelivery item, BatchJob job, string error) => new()
    {
        JobId = job.Id,
        ItemIndex = item.ItemIndex,
        Succeeded = false,
        Error = error,
        Attempts = item.Attempt,
        InputPreview = Preview(item),
    };

    private static string? Preview(JobDelivery item) =>
        item.Text is null ? null : item.Text.Length <= InputPreviewLength ? item.Text : item.Text[..InputPreviewLength];
}
