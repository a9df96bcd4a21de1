using Inference.Api.Caching;
using Inference.Api.OpenInference;
using Inference.Engine;
using Inference.Engine.Execution;
using Inference.Engine.Tensors;

namespace Inference.Api.Serving;

/// <summary>Who asks, and how, for any prediction: the protocol-neutral part of every request.</summary>
/// <param name="Route">How the prediction log labels the request (<c>predict/text</c>, <c>v2/infer</c>, <c>grpc/infer</c>, ...).</param>
/// <param name="Model">The model asked for; null for the default model of the task.</param>
/// <param name="Version">An explicit version, which overrides the traffic split.</param>
/// <param name="StickyId">Keeps a caller on one version of a split (a client id, else the API key).</param>
/// <param name="KeyId">The API key's id, for the log; null when anonymous.</param>
/// <param name="UseCache">False when the caller opted out of the cache.</param>
/// <param name="Priority">Background work (batch jobs, shadow copies) runs in the slots online requests leave free.</param>
/// <param name="Logged">False for work whose results are stored elsewhere (batch-job items).</param>
public sealed record ServingCall(
    string Route,
    string? Model,
    int? Version,
    string? StickyId,
    string? KeyId,
    bool UseCache = true,
    InferencePriority Priority = InferencePriority.Online,
    bool Logged = true);

/// <summary>A classification and where it came from.</summary>
public sealed record ServedPrediction(ClassificationResult Result, CacheOutcome Cache);

/// <summary>Any answer of the serving path (zero-shot, embeddings), the version that gave it and where it came from.</summary>
public sealed record ServedAnswer<TResult>(TResult Result, int Version, CacheOutcome Cache);

/// <summary>What the prediction log keeps of an answer: its top label (none for embeddings), score and engine time.</summary>
public sealed record PredictionSummary(string? Label, float Score, double InferenceTimeMs)
{
    public static PredictionSummary Of(ClassificationResult result) => new(result.Label, result.Score, result.InferenceTimeMs);
}

/// <summary>The outputs of a raw tensor inference, in the order asked, with the request they answer.</summary>
public sealed record ServedTensors(string Model, int Version, TensorInferenceRequest Request, InferTensor[] Outputs);
