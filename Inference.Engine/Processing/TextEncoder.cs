using Inference.Engine.Errors;
using Inference.Engine.Processing.Tokenization;

namespace Inference.Engine.Processing;

/// <summary>What a text model sees for one text or pair: ids, mask and segment ids, unpadded.</summary>
public sealed record EncodedText(long[] InputIds, long[] AttentionMask)
{
    /// <summary>Segment of each token (0 for the first text, 1 for the second of a pair where the template says so).</summary>
    public long[] TokenTypeIds { get; init; } = new long[InputIds.Length];

    /// <summary>True when the text was cut to the model's limit (asked for with <c>truncation</c>).</summary>
    public bool Truncated { get; init; }

    public int Length => InputIds.Length;
}

/// <summary>
/// Turns texts into a model's input ids with Hugging Face's own tokenizers, for every family (WordPiece, byte-level
/// BPE, SentencePiece), then adds the special tokens of the model's template. A text over the model's limit is
/// refused, or, when the caller asks for truncation, cut as Hugging Face cuts it: the text loses its last tokens
/// (the longer text of a pair first), the special tokens stay.
/// </summary>
public sealed class TextEncoder : IDisposable
{
    private static readonly string[] PaddingOffsetTypes = ["roberta", "xlm-roberta", "xlm-roberta-xl", "camembert", "longformer", "data2vec-text"];

    private readonly ISubwordTokenizer _tokenizer;
    private readonly SpecialTokenTemplate _template;

    public TextEncoder(TokenizerDefinition definition, int maxSequenceLength)
        : this(definition, maxSequenceLength, SubwordTokenizer.Create(definition))
    {
    }

    /// <summary>A definition run by the given <paramref name="tokenizer"/> (tests pick the managed fallback).</summary>
    internal TextEncoder(TokenizerDefinition definition, int maxSequenceLength, ISubwordTokenizer tokenizer)
    {
        _tokenizer = tokenizer;
        _template = definition.Template;
        Kind = definition.Kind;
        PaddingId = definition.PaddingId;
        MaxSequenceLength = maxSequenceLength;
        if (maxSequenceLength <= _template.PairSpecialCount + 1)
        {
            throw new ArgumentException($"the maximum length {maxSequenceLength} leaves no room for text beside the special tokens.");
        }
    }

    /// <summary>A WordPiece vocabulary alone (the project's own models and tools).</summary>
    public TextEncoder(string vocabularyPath, bool lowercase, int maxSequenceLength)
        : this(WordPieceFiles.Read(vocabularyPath, new HuggingFaceFolder(Path.GetDirectoryName(Path.GetFullPath(vocabularyPath))!), lowercase), maxSequenceLength)
    {
    }

    /// <summary>The tokenizer of a model version from its files; model.json's <paramref name="settings"/> override them.</summary>
    public static TextEncoder Load(HuggingFaceFolder folder, TextSettings settings) =>
        new(TokenizerDefinition.Load(folder, settings), MaxLengthOf(folder, settings));

    /// <summary>What the tokenizer was read from, e.g. <c>tokenizer.json (BPE)</c>.</summary>
    public string Kind { get; }

    public int MaxSequenceLength { get; }

    /// <summary>The id batches are padded with.</summary>
    public long PaddingId { get; }

    public EncodedText Encode(string text) => Encode(text, null, truncate: false);

    /// <summary>
    /// Encodes a text, or a pair (premise and hypothesis, question and passage). Over the limit it is refused with a
    /// message saying how long it is, unless <paramref name="truncate"/> asks for Hugging Face's truncation.
    /// </summary>
    public EncodedText Encode(string text, string? textPair, bool truncate) => Encode(text, textPair, truncate, onlyFirst: false);

    /// <summary>
    /// As <see cref="Encode(string, string?, bool)"/>; <paramref name="onlyFirst"/> cuts only the first text of a pair (Hugging
    /// Face's <c>only_first</c>, as its zero-shot pipeline cuts the premise and keeps the hypothesis whole).
    /// </summary>
    public EncodedText Encode(string text, string? textPair, bool truncate, bool onlyFirst)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw InferenceException.InvalidInput("Text must not be empty or whitespace.");
        }
        if (textPair is not null && string.IsNullOrWhiteSpace(textPair))
        {
            throw InferenceException.InvalidInput("The second text of a pair must not be empty or whitespace.");
        }

        var first = _tokenizer.Encode(text);
        var second = textPair is null ? null : _tokenizer.Encode(textPair);
        var template = second is null ? _template.Single : _template.Pair;
        var specials = second is null ? _template.SingleSpecialCount : _template.PairSpecialCount;
        var total = first.Length + (second?.Length ?? 0) + specials;
        var truncated = false;
        if (total > MaxSequenceLength)
        {
            if (!truncate)
            {
                throw InferenceException.InvalidInput(
                    $"Text is {total} tokens long; this model accepts at most {MaxSequenceLength} (special tokens included). "
                    + "Shorten it, split it, or send \"truncation\": true to cut it.");
            }
            (first, second) = onlyFirst && second is not null
                ? (first[..Math.Max(0, MaxSequenceLength - specials - second.Length)], second)
                : Truncate(first, second, MaxSequenceLength - specials);
            if (first.Length == 0)
            {
                throw InferenceException.InvalidInput($"The second text alone fills this model's {MaxSequenceLength} tokens; shorten it.");
            }
            truncated = true;
        }
        return Assemble(template, first, second) with { Truncated = truncated };
    }

    /// <summary>The token text of each id, as the tokenizer's vocabulary writes it (e.g. <c>##ing</c>, <c>Ġworld</c>, <c>▁world</c>).</summary>
    public string[] Tokens(EncodedText encoded) => [.. encoded.InputIds.Select(id => _tokenizer.Vocabulary.TokenOf((int)id))];

    public void Dispose() => _tokenizer.Dispose();

    /// <summary>Hugging Face's <c>longest_first</c>: the longer text loses tokens first; both end up within the budget.</summary>
    private static (int[] First, int[]? Second) Truncate(int[] first, int[]? second, int budget)
    {
        if (second is null)
        {
            return (first[..budget], null);
        }
        var (shorter, longer) = (Math.Min(first.Length, second.Length), Math.Max(first.Length, second.Length));
        var keepLonger = Math.Max(shorter, budget - shorter);
        var keepShorter = shorter;
        if (keepShorter + keepLonger > budget)
        {
            keepShorter = budget / 2;
            keepLonger = keepShorter + budget % 2;
        }
        var (keepFirst, keepSecond) = first.Length > second.Length ? (keepLonger, keepShorter) : (keepShorter, keepLonger);
        return (first[..Math.Min(first.Length, keepFirst)], second[..Math.Min(second.Length, keepSecond)]);
    }

    private static EncodedText Assemble(IReadOnlyList<TemplatePiece> template, int[] first, int[]? second)
    {
        var ids = new List<long>(first.Length + (second?.Length ?? 0) + template.Count);
        var types = new List<long>(ids.Capacity);
        foreach (var piece in template)
        {
            if (piece.IsSpecial)
            {
                ids.Add(piece.TokenId);
                types.Add(piece.TypeId);
                continue;
            }
            var part = piece.Sequence == 'A' ? first : second ?? [];
            foreach (var id in part)
            {
                ids.Add(id);
                types.Add(piece.TypeId);
            }
        }
        var mask = new long[ids.Count];
        Array.Fill(mask, 1L);
        return new EncodedText([.. ids], mask) { TokenTypeIds = [.. types] };
    }

    private static int MaxLengthOf(HuggingFaceFolder folder, TextSettings settings)
    {
        if ((settings.MaxSequenceLength ?? folder.ModelMaxLength) is { } configured)
        {
            return configured;
        }
        // RoBERTa-style models number positions after the padding id: two of the positions hold no token.
        return folder.ConfigInt("max_position_embeddings") is { } positions
            ? positions - (PaddingOffsetTypes.Contains(folder.ModelType) ? 2 : 0)
            : 512;
    }
}
