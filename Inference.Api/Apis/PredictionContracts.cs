using Inference.Api.Inference;

namespace Inference.Api.Apis;

/// <summary>Text to classify; the default text model and its newest version are used when not named.</summary>
public sealed record TextPredictionRequest(string? Text, string? Model = null, int? Version = null);

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
    public static PredictionResponse From(ClassificationResult result, bool cached) =>
        new(result.Model, result.Version, result.Label, result.Score, result.Predictions, result.InferenceTimeMs, cached);
}
