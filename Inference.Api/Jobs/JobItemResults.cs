using System.Text.Json;
using Inference.Api.Data;
using Inference.Engine;

namespace Inference.Api.Jobs;

/// <summary>The result rows a consumer stores for an item: its prediction, or why it failed.</summary>
public static class JobItemResults
{
    private const int InputPreviewLength = 200;
    private static readonly JsonSerializerOptions PredictionJson = new(JsonSerializerDefaults.Web);

    public static BatchJobResult Succeeded(JobDelivery item, BatchJob job, ClassificationResult result) => new()
    {
        JobId = job.Id,
        ItemIndex = item.ItemIndex,
        Succeeded = true,
        Label = result.Label,
        Score = result.Score,
        Predictions = JsonSerializer.Serialize(result.Predictions, PredictionJson),
        Attempts = item.Attempt,
        InputPreview = Preview(item),
        InferenceTimeMs = result.InferenceTimeMs,
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
