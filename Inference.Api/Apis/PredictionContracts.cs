using Inference.Engine.Processing;
using Inference.Engine;

namespace Inference.Api.Apis;

/// <summary>
/// Text to classify; the default text model is used when not named, and its traffic split (else its newest version)
/// when no version is named. <c>ClientId</c> keeps a caller on one version of a split (like the <c>X-Client-Id</c>
/// header); <c>Cache</c> false skips the response cache.
/// </summary>
public sealed record TextPredictionRequest(string? Text, string? Model = null, int? Version = null, string? ClientId = null, bool? Cache = null);

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
