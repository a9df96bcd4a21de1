using Inference.Engine;

namespace Inference.Api.Apis;

/// <summary>
/// Zero-shot classification: which of <c>CandidateLabels</c> the text is about, with an NLI model. The hypothesis of
/// each label is <c>HypothesisTemplate</c> with the label in place of <c>{}</c>.
/// </summary>
public sealed record ZeroShotRequest(
    string? Model,
    string? Text,
    IReadOnlyList<string>? CandidateLabels,
    string? HypothesisTemplate = null,
    bool? MultiLabel = null,
    bool? Truncation = null,
    int? Version = null,
    string? ClientId = null,
    bool? Cache = null);

/// <summary>The candidate labels and their scores, best first.</summary>
public sealed record ZeroShotResponse(
    string Model, int Version, string Sequence, IReadOnlyList<string> Labels, IReadOnlyList<float> Scores, double InferenceTimeMs, bool Truncated, bool Cached)
{
    public static ZeroShotResponse From(ZeroShotResult result, bool cached) =>
        new(result.Model, result.Version, result.Sequence, result.Labels, result.Scores, result.InferenceTimeMs, result.Truncated, cached);
}

/// <summary>
/// Texts to embed with an encoder (<c>Text</c> for one, <c>Texts</c> for several). <c>Pooling</c>: <c>mean</c> over the
/// attention mask (default, or what the model's sentence-transformers pooling file says) or <c>cls</c>;
/// <c>Normalize</c> (default true) scales each vector to length 1.
/// </summary>
public sealed record EmbeddingRequest(
    string? Model,
    string? Text = null,
    IReadOnlyList<string>? Texts = null,
    bool? Normalize = null,
    string? Pooling = null,
    bool? Truncation = null,
    int? Version = null,
    string? ClientId = null,
    bool? Cache = null);

/// <summary>One vector per text, in the order sent.</summary>
public sealed record EmbeddingResponse(
    string Model, int Version, int Dimensions, IReadOnlyList<float[]> Embeddings, double InferenceTimeMs, bool Truncated, bool Cached)
{
    public static EmbeddingResponse From(EmbeddingResult result, bool cached) =>
        new(result.Model, result.Version, result.Dimensions, result.Embeddings, result.InferenceTimeMs, result.Truncated, cached);
}

/// <summary>A text (or pair) to tokenize as a model would; the newest version unless one is named.</summary>
public sealed record TokenizeRequest(string? Text, string? TextPair = null, bool? Truncation = null, int? Version = null);

/// <summary>What the model sees: ids, mask, segment ids (when the model takes them) and the tokens.</summary>
public sealed record TokenizeResponse(
    string Model, int Version, IReadOnlyList<long> InputIds, IReadOnlyList<long> AttentionMask, IReadOnlyList<long>? TokenTypeIds,
    IReadOnlyList<string> Tokens, bool Truncated)
{
    public static TokenizeResponse From(TokenizedText tokenized) =>
        new(tokenized.Model, tokenized.Version, tokenized.InputIds, tokenized.AttentionMask, tokenized.TokenTypeIds, tokenized.Tokens, tokenized.Truncated);
}
