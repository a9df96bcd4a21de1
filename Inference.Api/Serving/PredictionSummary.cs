using Inference.Engine;

namespace Inference.Api.Serving;

/// <summary>What the prediction log keeps of an answer: its top label (none for embeddings), score and engine time.</summary>
public sealed record PredictionSummary(string? Label, float Score, double InferenceTimeMs)
{
    public static PredictionSummary Of(ClassificationResult result) => new(result.Label, result.Score, result.InferenceTimeMs);
}
