namespace Inference.Dashboard.Services;

/// <summary>The tasks the dashboard knows how to drive; the API may list others, which are ignored.</summary>
public static class ModelTasks
{
    public const string TextClassification = "text-classification";
    public const string ImageClassification = "image-classification";
}

/// <summary>One entry of <c>GET /api/models</c>.</summary>
public sealed record ModelSummary(
    string Name,
    string? Task,
    IReadOnlyList<int>? Versions,
    int? LatestVersion,
    string? Description,
    IReadOnlyList<string>? Labels,
    string? Status,
    string? ExecutionProvider)
{
    public bool IsReady => string.Equals(Status, "READY", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Body of <c>POST /api/predict/text</c>; a null version means the latest one.</summary>
public sealed record TextPredictionRequest(string Text, string Model, int? Version);

/// <summary>Score of one class.</summary>
public sealed record ClassScore(string Label, double Score);

/// <summary>Answer of both predict endpoints; <see cref="Predictions"/> is ordered best first.</summary>
public sealed record PredictionResult(
    string Model,
    int Version,
    string Label,
    double Score,
    IReadOnlyList<ClassScore> Predictions,
    double InferenceTimeMs,
    bool Cached);
