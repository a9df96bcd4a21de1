using System.Text.Json;
using Inference.Engine.Processing;

namespace Inference.Benchmarks;

/// <summary>
/// Distinct review texts of one token length: a fixed sentence plus three words that each encode to one token,
/// numbered so no two texts repeat and no request can be answered from the prediction cache. A fixed length
/// keeps the raw ONNX Runtime rows and the API rows doing the same work.
/// </summary>
public sealed class ReviewTexts
{
    private const string Sentence = "the acting was wonderful and the story kept me interested from the first scene to the very end";
    private const int SuffixWords = 3;
    private const int SuffixVocabulary = 200;

    private readonly TextEncoder _tokenizer;
    private readonly string[] _suffixWords;

    public ReviewTexts(string vocabularyPath)
    {
        // The API's own tokenizer for a "lowercase": true WordPiece model (the texts are far below any limit).
        _tokenizer = new TextEncoder(vocabularyPath, lowercase: true, maxSequenceLength: 512);
        _suffixWords = [.. File.ReadLines(vocabularyPath)
            .Where(word => word.Length is >= 3 and <= 10 && word.All(char.IsAsciiLetterLower))
            .Take(SuffixVocabulary)];
        if (_suffixWords.Length < SuffixVocabulary)
        {
            throw new InvalidOperationException($"{vocabularyPath} has too few whole words for distinct texts.");
        }
        SequenceLength = TokenIds(0).Length;
    }

    /// <summary>Tokens per text, [CLS] and [SEP] included.</summary>
    public int SequenceLength { get; }

    /// <summary>How many distinct texts exist.</summary>
    public long Count => (long)Math.Pow(SuffixVocabulary, SuffixWords);

    public string Text(long index)
    {
        var words = new string[SuffixWords];
        for (var i = 0; i < SuffixWords; i++, index /= SuffixVocabulary)
        {
            words[i] = _suffixWords[index % SuffixVocabulary];
        }
        return $"{Sentence} {string.Join(' ', words)}";
    }

    public long[] TokenIds(long index)
    {
        var ids = _tokenizer.Encode(Text(index)).InputIds;
        if (SequenceLength != 0 && ids.Length != SequenceLength)
        {
            throw new InvalidOperationException($"Text {index} encodes to {ids.Length} tokens, not {SequenceLength}.");
        }
        return ids;
    }

    /// <summary>
    /// JSON bodies for <c>POST /api/predict/text</c>, serialized before any timed part: texts start at
    /// <paramref name="firstIndex"/> so callers can keep separate runs from sharing a text.
    /// </summary>
    public byte[][] SerializeBodies(string model, long firstIndex, int count) =>
        [.. Enumerable.Range(0, count).Select(offset =>
            JsonSerializer.SerializeToUtf8Bytes(new { text = Text((firstIndex + offset) % Count), model }))];
}
