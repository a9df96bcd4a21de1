using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// BERT WordPiece for platforms where Hugging Face's native library does not load: the definition's added tokens
/// matched first, then BERT's normalizer and pre-tokenizer (<see cref="BertTextSplitter"/>), then Microsoft.ML.Tokenizers'
/// <see cref="WordPieceTokenizer"/> over the definition's vocabulary for each word.
/// </summary>
public sealed class ManagedWordPieceTokenizer : ISubwordTokenizer
{
    private readonly WordPieceTokenizer _wordPiece;
    private readonly BertTextSplitter _splitter;
    private readonly (string Content, int Id)[] _addedTokens;

    private ManagedWordPieceTokenizer(WordPieceTokenizer wordPiece, BertTextSplitter splitter, (string, int)[] addedTokens, TokenVocabulary vocabulary)
    {
        _wordPiece = wordPiece;
        _splitter = splitter;
        _addedTokens = addedTokens;
        Vocabulary = vocabulary;
    }

    /// <inheritdoc/>
    public TokenVocabulary Vocabulary { get; }

    /// <summary>
    /// The managed tokenizer of a BERT WordPiece definition (BertNormalizer, BertPreTokenizer, WordPiece with <c>##</c>);
    /// null for any other definition, which this tokenizer could not reproduce exactly.
    /// </summary>
    public static ManagedWordPieceTokenizer? TryCreate(TokenizerDefinition definition)
    {
        var json = definition.Json;
        if (json["normalizer"] is not JsonObject normalizer || HuggingFaceFolder.String(normalizer, "type") != "BertNormalizer"
            || json["pre_tokenizer"] is not JsonObject preTokenizer || HuggingFaceFolder.String(preTokenizer, "type") != "BertPreTokenizer"
            || json["model"] is not JsonObject model || model["vocab"] is not JsonObject
            || (HuggingFaceFolder.String(model, "continuing_subword_prefix") ?? "##") != "##"
            || HuggingFaceFolder.String(model, "type") is not (null or "WordPiece")
            || Flag(normalizer, "clean_text") == false)
        {
            return null;
        }

        var vocabulary = TokenVocabulary.Of(json);
        var lowercase = Flag(normalizer, "lowercase") ?? true;
        // Hugging Face strips accents when asked, or, when not said, exactly when lowercasing.
        var splitter = new BertTextSplitter(lowercase, Flag(normalizer, "strip_accents") ?? lowercase, Flag(normalizer, "handle_chinese_chars") ?? true);
        var options = new WordPieceOptions
        {
            UnknownToken = HuggingFaceFolder.String(model, "unk_token") ?? "[UNK]",
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = model["max_input_chars_per_word"] is JsonValue max && max.TryGetValue<int>(out var chars) ? chars : 100,
        };
        using var lines = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, vocabulary.Count).Select(vocabulary.TokenOf))));
        return new ManagedWordPieceTokenizer(WordPieceTokenizer.Create(lines, options), splitter, AddedTokens(json, vocabulary), vocabulary);
    }

    /// <inheritdoc/>
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        var start = 0;
        for (var position = 0; position < text.Length; position++)
        {
            if (AddedTokenAt(text, position) is not { } added)
            {
                continue;
            }
            EncodeWords(text[start..position], ids);
            ids.Add(added.Id);
            position += added.Content.Length - 1;
            start = position + 1;
        }
        EncodeWords(text[start..], ids);
        return [.. ids];
    }

    /// <summary>Nothing to free: the tokenizer is managed.</summary>
    public void Dispose()
    {
    }

    private void EncodeWords(string text, List<int> ids)
    {
        foreach (var word in _splitter.Words(text))
        {
            ids.AddRange(_wordPiece.EncodeToIds(word));
        }
    }

    /// <summary>The longest added token that starts at <paramref name="position"/> (they are sorted longest first).</summary>
    private (string Content, int Id)? AddedTokenAt(string text, int position)
    {
        foreach (var token in _addedTokens)
        {
            if (string.CompareOrdinal(text, position, token.Content, 0, token.Content.Length) == 0)
            {
                return token;
            }
        }
        return null;
    }

    private static bool? Flag(JsonObject json, string key) =>
        json[key] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    private static (string, int)[] AddedTokens(JsonObject definition, TokenVocabulary vocabulary) =>
        [.. (definition["added_tokens"] as JsonArray ?? [])
            .Select(token => token?["content"]?.GetValue<string>())
            .OfType<string>()
            .Where(content => content.Length > 0 && vocabulary.IdOf(content) is not null)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(content => content.Length)
            .Select(content => (content, vocabulary.IdOf(content)!.Value))];
}
