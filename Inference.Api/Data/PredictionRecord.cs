using System.ComponentModel.DataAnnotations.Schema;
using System.Diagnostics;

namespace Inference.Api.Data;

/// <summary>What became of a prediction: <see cref="Success"/>, or the engine's error kind (e.g. <c>InvalidInput</c>).</summary>
public static class PredictionOutcomes
{
    public const string Success = "success";
}

/// <summary>One prediction, served, failed or shadowed, kept for history and analytics.</summary>
public sealed class PredictionRecord
{
    public const int MaxModelLength = 128;
    public const int MaxLabelLength = 256;
    public const int MaxPreviewLength = 256;

    public long Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string Model { get; set; }

    /// <summary>The version that ran; for a request that failed before a version was chosen, the one asked for (or 0).</summary>
    public int ModelVersion { get; set; }

    /// <summary>Which route served it, e.g. <c>predict/text</c>.</summary>
    public required string Route { get; set; }

    /// <summary>SHA-256 of the input, hex.</summary>
    public required string InputHash { get; set; }

    /// <summary>The start of a text input, for reading the log; null for binary inputs or with previews off.</summary>
    public string? InputPreview { get; set; }

    /// <summary>Null when the prediction failed.</summary>
    public string? Label { get; set; }

    public float Score { get; set; }

    /// <summary>The model's own time (pre-processing to post-processing) when the answer was computed.</summary>
    public double InferenceTimeMs { get; set; }

    /// <summary>Time the request spent being answered, cache lookup included: what the caller waited.</summary>
    public double LatencyMs { get; set; }

    public bool Cached { get; set; }

    /// <summary><see cref="PredictionOutcomes.Success"/> or the error kind.</summary>
    public string Outcome { get; set; } = PredictionOutcomes.Success;

    /// <summary>A mirrored request to a candidate version: its answer was never returned.</summary>
    public bool Shadow { get; set; }

    /// <summary>The API key that asked (the <c>key_id</c> claim), null when anonymous.</summary>
    public string? KeyId { get; set; }

    public string? TraceId { get; set; }

    /// <summary>The span that made the entry (the serving span), so the write of its batch joins the request's trace.</summary>
    [NotMapped]
    public ActivityContext Origin { get; init; } = Activity.Current?.Context ?? default;
}
