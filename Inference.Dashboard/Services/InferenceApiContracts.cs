using System.Text.Json.Serialization;

namespace Inference.Dashboard.Services;

/// <summary>The tasks the dashboard knows how to drive; the API may list others, which are ignored.</summary>
public static class ModelTasks
{
    public const string TextClassification = "text-classification";
    public const string ImageClassification = "image-classification";
    public const string FeatureExtraction = "feature-extraction";
}

/// <summary>A model's states as the API names them.</summary>
public static class ModelStates
{
    public const string Ready = "READY";
}

/// <summary>A model input or output: name, element type and shape (-1 for a dimension of any size).</summary>
public sealed record TensorDescription(string Name, string ElementType, long[] Shape);

/// <summary>One version of a model, loaded or not, and how it runs while loaded.</summary>
public sealed record ModelVersionSummary(int Version, string State, string? ExecutionProvider, string? ExecutionProviderFallback, long? MemoryBytes)
{
    public bool IsReady => string.Equals(State, ModelStates.Ready, StringComparison.OrdinalIgnoreCase);
}

/// <summary>One entry of <c>GET /api/models</c>; provider, memory and tensors describe the newest loaded version.</summary>
public sealed record ModelSummary(
    string Name,
    string? Task,
    IReadOnlyList<int>? Versions,
    int? LatestVersion,
    string? Description,
    IReadOnlyList<string>? Labels,
    string? Status,
    string? ExecutionProvider,
    string? Reason = null,
    string? ExecutionProviderFallback = null,
    long? MemoryBytes = null,
    int? MaxBatchSize = null,
    IReadOnlyList<TensorDescription>? Inputs = null,
    IReadOnlyList<TensorDescription>? Outputs = null,
    IReadOnlyList<ModelVersionSummary>? VersionDetails = null,
    string? Tokenizer = null,
    bool MultiLabel = false,
    bool ZeroShot = false)
{
    public bool IsReady => string.Equals(Status, ModelStates.Ready, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every version with its state: loaded ones and unloaded ones, oldest first.</summary>
    public IReadOnlyList<ModelVersionSummary> AllVersions => VersionDetails is { Count: > 0 } details
        ? [.. details.OrderBy(detail => detail.Version)]
        : [.. (Versions ?? []).Select(version => new ModelVersionSummary(version, Status ?? "UNKNOWN", ExecutionProvider, ExecutionProviderFallback, null))];
}

/// <summary>Body of <c>POST /api/predict/text</c>; a null version lets the traffic split choose.</summary>
public sealed record TextPredictionRequest(string Text, string Model, int? Version, string? ClientId);

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
    bool Cached,
    IReadOnlyList<string>? Labels = null);

/// <summary>A prediction with how it was served: the API's <c>X-Cache</c> answer and the round trip the dashboard measured.</summary>
public sealed record ServedPrediction(PredictionResult Result, string? CacheHeader, double RoundTripMs);

/// <summary>A time total as Triton reports it: how many and how long in nanoseconds.</summary>
public sealed record StatisticsDuration(long Count, long Ns)
{
    public double MeanMs => Count == 0 ? 0 : Ns / 1e6 / Count;
}

/// <summary>Triton's cumulative request figures of a model version.</summary>
public sealed record InferenceStatistics(
    StatisticsDuration Success,
    StatisticsDuration Fail,
    StatisticsDuration Queue,
    [property: JsonPropertyName("compute_infer")] StatisticsDuration ComputeInfer,
    [property: JsonPropertyName("cache_hit")] StatisticsDuration CacheHit,
    [property: JsonPropertyName("cache_miss")] StatisticsDuration CacheMiss);

/// <summary>One version in <c>/v2/models/{name}/stats</c>.</summary>
public sealed record ModelVersionStatistics(
    string Name,
    string Version,
    [property: JsonPropertyName("inference_count")] long InferenceCount,
    [property: JsonPropertyName("execution_count")] long ExecutionCount,
    [property: JsonPropertyName("inference_stats")] InferenceStatistics InferenceStats);

/// <summary>The body of <c>/v2/models/{name}/stats</c>.</summary>
public sealed record ModelStatisticsResponse([property: JsonPropertyName("model_stats")] IReadOnlyList<ModelVersionStatistics> ModelStats);

/// <summary>Answer of <c>POST /api/admin/models/{name}/versions</c>: the new version's number and the model as it now serves.</summary>
public sealed record ModelVersionAdded(int Version, ModelSummary Model);

/// <summary>One file of a version being uploaded, read as it is sent.</summary>
public sealed record UploadedFile(Stream Content, string FileName);
