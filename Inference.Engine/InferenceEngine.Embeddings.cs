using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;
using Inference.Engine.Repository;

namespace Inference.Engine;

/// <summary>Texts to embed, the pooling (the model's default when null) and whether vectors are scaled to length 1.</summary>
public sealed record EmbeddingQuestion(IReadOnlyList<string> Texts, string? Pooling, bool Normalize, bool Truncation);

/// <summary>One vector per text, in order.</summary>
public sealed record EmbeddingResult(string Model, int Version, int Dimensions, float[][] Embeddings, double InferenceTimeMs)
{
    public bool Truncated { get; init; }
}

/// <summary>
/// Embeddings from an encoder: its pooled output as it is, or its token states pooled over the attention mask (mean,
/// or the first token), optionally normalized to unit length. Every text goes through the batcher.
/// </summary>
public sealed partial class InferenceEngine
{
    public ModelVersion ResolveEmbeddingModel(string name, int? version) =>
        Resolve(name, version, model => model.Configuration.Task == ModelTasks.FeatureExtraction, "embeddings need a feature-extraction (encoder) model");

    public Task<EmbeddingResult> EmbedAsync(ModelVersion model, EmbeddingQuestion question, InferencePriority priority, CancellationToken cancellationToken)
    {
        if (question.Texts is not { Count: > 0 })
        {
            throw InferenceException.InvalidInput("Send 'text' or a non-empty 'texts' list.");
        }
        if (question.Texts.Count > _options.MaxEmbeddingTexts)
        {
            throw InferenceException.InvalidInput($"texts has {question.Texts.Count} entries; at most {_options.MaxEmbeddingTexts} are accepted per request.");
        }
        var pooling = question.Pooling ?? model.Head.Pooling;
        CheckPooling(pooling);
        foreach (var text in question.Texts)
        {
            CheckLength(text);
        }

        return MeasureAsync(model, priority, async () =>
        {
            EncodedText[] encoded;
            using (InferenceTelemetry.ActivitySource.StartActivity("preprocess"))
            {
                encoded = [.. question.Texts.Select(text => model.TextEncoder!.Encode(text ?? "", null, question.Truncation))];
            }
            var outputs = await Task.WhenAll(encoded.Select(text => model.InferTextAsync(text, priority, cancellationToken)));
            var tokenStates = model.Outputs.First(output => output.Name == model.OutputName).Shape.Length == 3;
            var vectors = outputs.Select((output, i) => Pool(output, tokenStates ? encoded[i].Length : 1, pooling, question.Normalize)).ToArray();
            return new EmbeddingResult(model.Name, model.Version, vectors[0].Length, vectors, 0) { Truncated = encoded.Any(text => text.Truncated) };
        }, (result, milliseconds) => result with { InferenceTimeMs = milliseconds });
    }

    /// <summary>A row of <paramref name="tokens"/> states (all covered by the mask: padding was dropped) to one vector.</summary>
    /// <summary>Refuses a pooling other than mean or cls (batch jobs check it once, at submission).</summary>
    public static void CheckPooling(string? pooling)
    {
        if (pooling is not (EmbeddingPooling.Mean or EmbeddingPooling.Cls))
        {
            throw InferenceException.InvalidInput($"pooling '{pooling}' is not {EmbeddingPooling.Mean} or {EmbeddingPooling.Cls}.");
        }
    }

    private static float[] Pool(float[] states, int tokens, string pooling, bool normalize)
    {
        var dimensions = states.Length / tokens;
        var vector = new float[dimensions];
        var counted = pooling == EmbeddingPooling.Cls ? 1 : tokens;
        for (var token = 0; token < counted; token++)
        {
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] += states[token * dimensions + d];
            }
        }
        var scale = 1f / counted;
        if (normalize)
        {
            var norm = MathF.Sqrt(vector.Sum(value => value * scale * value * scale));
            scale = norm > 0 ? scale / norm : scale;
        }
        for (var d = 0; d < dimensions; d++)
        {
            vector[d] *= scale;
        }
        return vector;
    }
}
