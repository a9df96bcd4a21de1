using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Inference.Api.Data;
using Inference.Engine.Repository;
using Inference.Engine.Tensors;

namespace Inference.Api.OpenInference;

/// <summary>The prediction-log entry for a raw tensor inference (REST route <c>v2/infer</c>, gRPC <c>grpc/infer</c>).</summary>
public static class TensorPredictionRecords
{
    public static PredictionRecord Create(
        ModelVersion model, IReadOnlyList<InferTensor> inputs, IReadOnlyList<InferTensor> outputs, string route, double inferenceTimeMs, string? keyId) => new()
    {
        CreatedAt = DateTimeOffset.UtcNow,
        Model = model.Name,
        ModelVersion = model.Version,
        Route = route,
        InputHash = HashInputs(inputs),
        Label = TopLabel(model, outputs) ?? "",
        Score = 0,
        InferenceTimeMs = Math.Round(inferenceTimeMs, 3),
        // The transport times the engine call, which is the request's latency as analytics report it.
        LatencyMs = Math.Round(inferenceTimeMs, 3),
        KeyId = keyId,
        TraceId = Activity.Current?.TraceId.ToHexString(),
    };

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
