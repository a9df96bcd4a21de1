using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Inference.Api.Data;
using Inference.Engine;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using Inference.Engine.Tensors;

namespace Inference.Api.Serving;

/// <summary>The prediction-log entries of the serving path: one shape for every route, served, failed or shadow.</summary>
public static class PredictionRecords
{
    /// <summary>The outcome of a failure: the engine's error kind, or "Unexpected" for anything else (a 500).</summary>
    public static string OutcomeOf(Exception exception) =>
        exception is InferenceException inferenceError ? inferenceError.Kind.ToString() : "Unexpected";

    public static PredictionRecord Classification(
        ServingCall call,
        string model,
        int version,
        string inputHash,
        string? preview,
        long started,
        PredictionSummary? result,
        bool cached,
        string? error,
        bool shadow,
        string? traceId = null) => new()
    {
        CreatedAt = DateTimeOffset.UtcNow,
        Model = model,
        ModelVersion = version,
        Route = call.Route,
        InputHash = inputHash,
        InputPreview = preview,
        Label = result?.Label,
        Score = result?.Score ?? 0,
        InferenceTimeMs = result?.InferenceTimeMs ?? 0,
        LatencyMs = ElapsedMs(started),
        Cached = cached,
        Outcome = error ?? PredictionOutcomes.Success,
        Shadow = shadow,
        KeyId = call.KeyId,
        TraceId = traceId ?? Activity.Current?.TraceId.ToHexString(),
    };

    /// <summary>A raw tensor inference (REST route <c>v2/infer</c>, gRPC <c>grpc/infer</c>).</summary>
    public static PredictionRecord Tensors(
        ServingCall call, ModelVersion model, IReadOnlyList<InferTensor> inputs, IReadOnlyList<InferTensor> outputs, long started)
    {
        // The serving path times the engine call, which is the request's latency as analytics report it.
        var elapsedMs = ElapsedMs(started);
        return new()
        {
            CreatedAt = DateTimeOffset.UtcNow,
            Model = model.Name,
            ModelVersion = model.Version,
            Route = call.Route,
            InputHash = HashInputs(inputs),
            Label = TopLabel(model, outputs) ?? "",
            InferenceTimeMs = elapsedMs,
            LatencyMs = elapsedMs,
            KeyId = call.KeyId,
            TraceId = Activity.Current?.TraceId.ToHexString(),
        };
    }

    /// <summary>A raw tensor inference that failed; the input hash is empty when the tensors could not be decoded.</summary>
    public static PredictionRecord TensorFailure(
        ServingCall call, ModelVersion model, IReadOnlyList<InferTensor>? inputs, long started, string outcome) => new()
    {
        CreatedAt = DateTimeOffset.UtcNow,
        Model = model.Name,
        ModelVersion = model.Version,
        Route = call.Route,
        InputHash = inputs is null ? "" : HashInputs(inputs),
        LatencyMs = ElapsedMs(started),
        Outcome = outcome,
        KeyId = call.KeyId,
        TraceId = Activity.Current?.TraceId.ToHexString(),
    };

    private static double ElapsedMs(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);

    /// <summary>SHA-256 over the inputs' bytes (BYTES elements length-prefixed, so element boundaries count), hex.</summary>
    public static string HashInputs(IReadOnlyList<InferTensor> inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var input in inputs)
        {
            if (input.Strings is { } strings)
            {
                foreach (var element in strings)
                {
                    MemoryMarshal.Write(length, element.Length);
                    hash.AppendData(length);
                    hash.AppendData(element);
                }
            }
            else
            {
                hash.AppendData(input.Data);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// The top class when it is obvious: a classification model's main output for a single row (raw scores, or the
    /// classification extension's "score:index:label" strings). Null otherwise.
    /// </summary>
    private static string? TopLabel(ModelVersion model, IReadOnlyList<InferTensor> outputs)
    {
        if (model.Configuration.Task is not (ModelTasks.TextClassification or ModelTasks.ImageClassification) || model.Labels.Count == 0)
        {
            return null;
        }
        var mainOutput = model.Configuration.Output ?? model.Outputs[0].Name;
        var output = outputs.FirstOrDefault(candidate => candidate.Name == mainOutput);
        if (output is { DataType: TensorDataType.FP32 } && output.ElementCount == model.Labels.Count)
        {
            var scores = MemoryMarshal.Cast<byte, float>(output.Data);
            var best = 0;
            for (var i = 1; i < scores.Length; i++)
            {
                best = scores[i] > scores[best] ? i : best;
            }
            return model.Labels[best];
        }
        if (output is { DataType: TensorDataType.BYTES, Strings: [var first, ..] } && (output.Shape.Length == 1 || output.Shape is [1, _]))
        {
            var parts = Encoding.UTF8.GetString(first).Split(':', 3);
            return parts.Length == 3 ? parts[2] : null;
        }
        return null;
    }
}
