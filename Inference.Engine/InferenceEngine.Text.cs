using System.Diagnostics;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;
using Inference.Engine.Repository;

namespace Inference.Engine;

/// <summary>One text (or pair), as the model will see it.</summary>
public sealed record TokenizedText(
    string Model,
    int Version,
    long[] InputIds,
    long[] AttentionMask,
    long[]? TokenTypeIds,
    string[] Tokens,
    bool Truncated);

/// <summary>Text classification (single- and multi-label) and tokenization.</summary>
public sealed partial class InferenceEngine
{
    public Task<ClassificationResult> ClassifyTextAsync(ModelVersion model, string text, CancellationToken cancellationToken) =>
        ClassifyTextAsync(model, new TextInput(text), InferencePriority.Online, cancellationToken);

    public Task<ClassificationResult> ClassifyTextAsync(ModelVersion model, string text, InferencePriority priority, CancellationToken cancellationToken) =>
        ClassifyTextAsync(model, new TextInput(text), priority, cancellationToken);

    /// <summary>Classifies a text or pair; over the model's limit it is refused unless the input asks for truncation.</summary>
    public Task<ClassificationResult> ClassifyTextAsync(ModelVersion model, TextInput input, InferencePriority priority, CancellationToken cancellationToken)
    {
        CheckLength(input.Text);
        CheckLength(input.TextPair);
        return MeasureAsync(model, priority, async () =>
        {
            EncodedText encoded;
            using (InferenceTelemetry.ActivitySource.StartActivity("preprocess"))
            {
                var started = Stopwatch.GetTimestamp();
                encoded = model.TextEncoder!.Encode(input.Text, input.TextPair, input.Truncation);
                telemetry.RecordStageSince(model.Name, RequestStages.Preprocess, started);
            }
            var output = await model.InferTextAsync(encoded, priority, cancellationToken);
            return Postprocess(model, output, model.Labels.Count == 0 ? int.MaxValue : model.Labels.Count) with { Truncated = encoded.Truncated };
        });
    }

    /// <summary>A model that tokenizes text (any text task), for <c>/tokenize</c>.</summary>
    public ModelVersion ResolveTokenizingModel(string name, int? version) =>
        Resolve(name, version, model => model.TextEncoder is not null, "it has no tokenizer");

    /// <summary>What the model will see for a text or pair: ids, mask, segment ids (when the graph takes them) and tokens.</summary>
    public TokenizedText Tokenize(ModelVersion model, TextInput input)
    {
        CheckLength(input.Text);
        CheckLength(input.TextPair);
        var encoded = model.TextEncoder!.Encode(input.Text, input.TextPair, input.Truncation);
        var takesSegments = model.Inputs.Any(tensor => tensor.Name == TextInputs.TokenTypeIds);
        return new TokenizedText(model.Name, model.Version, encoded.InputIds, encoded.AttentionMask,
            takesSegments ? encoded.TokenTypeIds : null, model.TextEncoder.Tokens(encoded), encoded.Truncated);
    }

    private void CheckLength(string? text)
    {
        if (text?.Length > _options.MaxTextCharacters)
        {
            throw new InferenceException(InferenceErrorKind.PayloadTooLarge,
                $"Text is {text.Length:N0} characters; at most {_options.MaxTextCharacters:N0} are accepted.");
        }
    }
}

/// <summary>A text to run, with an optional second text (a pair) and whether it may be cut to the model's limit.</summary>
public sealed record TextInput(string Text, string? TextPair = null, bool Truncation = false);
