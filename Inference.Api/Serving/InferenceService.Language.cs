using System.Text.Json;
using Inference.Api.Caching;
using Inference.Engine;
using Inference.Engine.Errors;

namespace Inference.Api.Serving;

/// <summary>Zero-shot classification, embeddings and tokenization: the same path (split, cache, log, shadow) as every prediction.</summary>
public sealed partial class InferenceService
{
    /// <summary>Scores the candidate labels with an NLI model; the log keeps the top label.</summary>
    public Task<ServedAnswer<ZeroShotResult>> ClassifyZeroShotAsync(ServingCall call, ZeroShotQuestion question, CancellationToken cancellationToken) =>
        ServeAsync(
            RequireModel(call),
            (name, version) => engine.ResolveZeroShotModel(name!, version),
            "zero-shot",
            PredictionCache.HashInput(JsonSerializer.SerializeToUtf8Bytes(question)),
            call.Logged ? log.Preview(question.Text) : null,
            (model, priority, token) => engine.ClassifyZeroShotAsync(model, question, priority, token),
            result => new PredictionSummary(result.Labels[0], result.Scores[0], result.InferenceTimeMs),
            cancellationToken);

    /// <summary>Embeds texts with an encoder; the log keeps no label.</summary>
    public Task<ServedAnswer<EmbeddingResult>> EmbedAsync(ServingCall call, EmbeddingQuestion question, CancellationToken cancellationToken) =>
        ServeAsync(
            RequireModel(call),
            (name, version) => engine.ResolveEmbeddingModel(name!, version),
            "embedding",
            PredictionCache.HashInput(JsonSerializer.SerializeToUtf8Bytes(question)),
            call.Logged && question.Texts is [var first, ..] ? log.Preview(first ?? "") : null,
            (model, priority, token) => engine.EmbedAsync(model, question, priority, token),
            result => new PredictionSummary(null, 0, result.InferenceTimeMs),
            cancellationToken);

    /// <summary>What a model version (the newest when none is named) will see for a text: not a prediction, so neither cached nor logged.</summary>
    public TokenizedText Tokenize(string model, int? version, TextInput input) =>
        engine.Tokenize(engine.ResolveTokenizingModel(model, version), input);

    private static ServingCall RequireModel(ServingCall call) =>
        string.IsNullOrWhiteSpace(call.Model)
            ? throw InferenceException.InvalidInput("Name the model, e.g. {\"model\": \"my-nli-model\", ...}.")
            : call;
}
