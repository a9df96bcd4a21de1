using System.Text.Json.Serialization;
using Inference.Engine.Execution;
using Inference.Engine.Repository;

namespace Inference.Api.Apis;

// The Open Inference Protocol's JSON documents (KServe v2 as Triton speaks it), with the protocol's own names.

/// <summary>Server metadata: <c>GET /v2</c>.</summary>
public sealed record ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary>One row of <c>POST /v2/repository/index</c>: a model version, or a model that could not load.</summary>
public sealed record RepositoryIndexEntry(string Name, string Version, string State, string Reason);

/// <summary>The optional body of <c>POST /v2/repository/index</c>.</summary>
public sealed record RepositoryIndexRequest(bool Ready);

/// <summary>A tensor in an inference response (documentation of the JSON form; the server writes it directly).</summary>
public sealed record InferenceOutputDocument(
    string Name,
    string Datatype,
    long[] Shape,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object[]? Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, long>? Parameters);

/// <summary>An inference response's JSON header.</summary>
public sealed record InferenceResponseDocument(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string ModelVersion,
    string? Id,
    IReadOnlyList<InferenceOutputDocument> Outputs);

/// <summary>Triton's per-batch-size figures.</summary>
public sealed record BatchStatisticsDocument(
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("compute_input")] StatisticsDuration ComputeInput,
    [property: JsonPropertyName("compute_infer")] StatisticsDuration ComputeInfer,
    [property: JsonPropertyName("compute_output")] StatisticsDuration ComputeOutput);

/// <summary>Triton's cumulative request figures of a model version.</summary>
public sealed record InferenceStatisticsDocument(
    StatisticsDuration Success,
    StatisticsDuration Fail,
    StatisticsDuration Queue,
    [property: JsonPropertyName("compute_input")] StatisticsDuration ComputeInput,
    [property: JsonPropertyName("compute_infer")] StatisticsDuration ComputeInfer,
    [property: JsonPropertyName("compute_output")] StatisticsDuration ComputeOutput,
    [property: JsonPropertyName("cache_hit")] StatisticsDuration CacheHit,
    [property: JsonPropertyName("cache_miss")] StatisticsDuration CacheMiss);

/// <summary>One model version in <c>model_stats</c>.</summary>
public sealed record ModelStatisticsDocument(
    string Name,
    string Version,
    [property: JsonPropertyName("last_inference")] long LastInference,
    [property: JsonPropertyName("inference_count")] long InferenceCount,
    [property: JsonPropertyName("execution_count")] long ExecutionCount,
    [property: JsonPropertyName("inference_stats")] InferenceStatisticsDocument InferenceStats,
    [property: JsonPropertyName("batch_stats")] IReadOnlyList<BatchStatisticsDocument> BatchStats)
{
    public static ModelStatisticsDocument From(string name, int version, ModelStatisticsSnapshot snapshot) => new(
        name,
        version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        snapshot.LastInferenceMs,
        snapshot.InferenceCount,
        snapshot.ExecutionCount,
        // Input and output copies are not timed apart from the run: reported as zero, like a backend that does not split them.
        new InferenceStatisticsDocument(snapshot.Success, snapshot.Fail, snapshot.Queue, default, snapshot.ComputeInfer, default, default, default),
        [.. snapshot.Batches.Select(batch => new BatchStatisticsDocument(batch.BatchSize, default, batch.ComputeInfer, default))]);
}

/// <summary><c>GET /v2/models/stats</c> and <c>GET /v2/models/{name}/stats</c>.</summary>
public sealed record ModelStatisticsResponse([property: JsonPropertyName("model_stats")] IReadOnlyList<ModelStatisticsDocument> ModelStats);
