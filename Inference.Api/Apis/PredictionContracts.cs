using System.Text.Json.Serialization;
using Inference.Engine.Processing;
using Inference.Engine;

namespace Inference.Api.Apis;

/// <summary>
/// Text to classify; the default text model is used when not named, and its traffic split (else its newest version)
/// when no version is named. <c>ClientId</c> keeps a caller on one version of a split (like the <c>X-Client-Id</c>
/// header); <c>Cache</c> false skips the response cache. <c>TextPair</c> makes it a pair (e.g. premise and
/// hypothesis); <c>Truncation</c> true cuts a text over the model's limit as Hugging Face does, instead of a 400.
/// </summary>
public sealed record TextPredictionRequest(
    string? Text, string? Model = null, int? Version = null, string? ClientId = null, bool? Cache = null, string? TextPair = null, bool? Truncation = null);

/// <summary>A prediction as the REST routes return it.</summary>
public sealed record PredictionResponse(
    string Model,
    int Version,
    string Label,
    float Score,
    IReadOnlyList<ClassScore> Predictions,
    double InferenceTimeMs,
    bool Cached)
{
    /// <summary>A multi-label model's labels at or above its threshold (absent for single-label models).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>True when the text was cut to the model's limit (only with <c>truncation</c>).</summary>
    public bool Truncated { get; init; }

    public static PredictionResponse From(ClassificationResult result, bool cached) =>
        new(result.Model, result.Version, result.Label, result.Score, result.Predictions, result.InferenceTimeMs, cached)
        {
            Labels = result.Labels,
            Truncated = result.Truncated,
        };
}
