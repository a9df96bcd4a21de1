using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Inference.Api.Data;
using Inference.Api.Inference.Tensors;
using Inference.Api.Models;

namespace Inference.Api.OpenInference;

/// <summary>Prediction log entries for raw tensor inferences (the protocol's REST and gRPC transports).</summary>
public static class TensorPredictionRecords
{
    public static PredictionRecord Create(
        ModelVersion model, string route, IReadOnlyList<InferTensor> inputs, IReadOnlyList<InferTensor> outputs, double inferenceTimeMs) => new()
    {
        CreatedAt = DateTimeOffset.UtcNow,
        Model = model.Name,
        ModelVersion = model.Version,
        Route = route,
        InputHash = HashInputs(inputs),
        Label = TopLabel(model, outputs),
        InferenceTimeMs = inferenceTimeMs,
        TraceId = Activity.Current?.TraceId.ToHexString(),
    };

    /// <summary>SHA-256 over every input's bytes (BYTES elements without their length prefixes), in request order, hex.</summary>
    public static string HashInputs(IReadOnlyList<InferTensor> inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var input in inputs)
        {
            if (input.Strings is { } strings)
            {
                foreach (var element in strings)
                {
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
    /// The top class when the answer is obviously one classification: a classification model with labels whose
    /// first output is a single FP32 row of one score per label. Anything else logs no label.
    /// </summary>
    private static string TopLabel(ModelVersion model, IReadOnlyList<InferTensor> outputs)
    {
        if (model.Configuration.Task is not (ModelTasks.TextClassification or ModelTasks.ImageClassification)
            || outputs is not [{ DataType: TensorDataType.FP32 } output, ..]
            || model.Labels.Count == 0 || output.ElementCount != model.Labels.Count)
        {
            return string.Empty;
        }
        var scores = MemoryMarshal.Cast<byte, float>(output.Data);
        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }
        return model.Labels[best];
    }
}
