using System.Text.Json.Nodes;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// A Hugging Face tokenizer definition (the <c>tokenizer.json</c> format) for Hugging Face's own tokenizers library, with
/// the special-token template kept aside: the library splits the text, the template adds <c>[CLS]</c>/<c>&lt;s&gt;</c>/
/// <c>&lt;/s&gt;</c> after truncation, as Hugging Face's Python and Rust tokenizers do. Read from <c>tokenizer.json</c>
/// when the folder has one, else converted from the family's own files the way <c>transformers</c>' slow-to-fast
/// converters do (<c>vocab.txt</c>; <c>vocab.json</c> + <c>merges.txt</c>; a SentencePiece <c>.model</c>).
/// </summary>
/// <param name="Json">The definition without post-processor, truncation and padding (the engine applies those).</param>
/// <param name="Kind">What it was read from, e.g. <c>tokenizer.json (WordPiece)</c>.</param>
public sealed record TokenizerDefinition(JsonObject Json, SpecialTokenTemplate Template, string Kind, int PaddingId)
{
    /// <summary>Reads the tokenizer of a model version; the message of a failure names the missing or wrong file.</summary>
    public static TokenizerDefinition Load(HuggingFaceFolder folder, TextSettings settings)
    {
        if (settings.VocabFile is { } vocabFile)
        {
            // model.json names a WordPiece vocabulary explicitly (the project's own models).
            var path = folder.Find(vocabFile) ?? throw new ArgumentException($"vocabulary '{vocabFile}' was found in neither {folder.Describe()}.");
            return WordPieceFiles.Read(path, folder, settings.Lowercase);
        }
        if (folder.Find(HuggingFaceFolder.TokenizerFile) is { } tokenizerJson)
        {
            return FromTokenizerJson(tokenizerJson, folder);
        }
        if (folder.Find("vocab.txt") is { } vocabulary)
        {
            return WordPieceFiles.Read(vocabulary, folder, settings.Lowercase);
        }
        if (folder.Find("vocab.json") is { } bpeVocabulary)
        {
            var merges = folder.Find("merges.txt") ?? throw new ArgumentException($"vocab.json has no merges.txt beside it in {folder.Describe()}.");
            return ByteLevelBpeFiles.Read(bpeVocabulary, merges, folder);
        }
        foreach (var name in SentencePieceFiles.FileNames)
        {
            if (folder.Find(name) is { } model)
            {
                return SentencePieceFiles.Read(model, folder);
            }
        }
        throw new ArgumentException(
            $"no tokenizer was found in {folder.Describe()}: add tokenizer.json, or vocab.txt, vocab.json + merges.txt, or {string.Join(" / ", SentencePieceFiles.FileNames)}.");
    }

    private static TokenizerDefinition FromTokenizerJson(string path, HuggingFaceFolder folder)
    {
        var json = HuggingFaceFolder.ParseObject(path);
        var model = json["model"] as JsonObject ?? throw new ArgumentException("tokenizer.json has no 'model'.");
        var modelType = HuggingFaceFolder.String(model, "type") ?? InferModelType(model);
        var vocabulary = TokenVocabulary.Of(json);
        var template = SpecialTokenTemplate.FromPostProcessor(json["post_processor"], token => vocabulary.IdOf(token)
            ?? throw new ArgumentException($"tokenizer.json's post_processor names '{token}', which is not in its vocabulary."))
            ?? SpecialTokenTemplate.None;
        var paddingId = PaddingIdOf(folder, vocabulary)
            ?? (json["padding"]?["pad_id"] is JsonValue padId && padId.TryGetValue<int>(out var id) ? id : (int?)null)
            ?? 0;
        // The engine truncates and pads itself; a tokenizer.json that truncates would cut texts silently.
        json.Remove("post_processor");
        json.Remove("truncation");
        json.Remove("padding");
        return new TokenizerDefinition(json, template, $"tokenizer.json ({modelType})", paddingId);
    }

    /// <summary>Early tokenizer.json files have no model <c>type</c>; Hugging Face tells the model by its fields.</summary>
    private static string InferModelType(JsonObject model) => model switch
    {
        _ when model.ContainsKey("merges") => "BPE",
        _ when model["vocab"] is JsonArray => "Unigram",
        _ when model.ContainsKey("continuing_subword_prefix") || model.ContainsKey("max_input_chars_per_word") => "WordPiece",
        _ => "WordLevel",
    };

    /// <summary>The pad token's id, as tokenizer_config.json / special_tokens_map.json name it.</summary>
    internal static int? PaddingIdOf(HuggingFaceFolder folder, TokenVocabulary vocabulary) =>
        folder.SpecialToken("pad_token") is { } pad ? vocabulary.IdOf(pad) : null;

    /// <summary>An entry of <c>added_tokens</c>: matched before the model splits the text, never split itself.</summary>
    internal static JsonObject AddedToken(int id, string content, bool special = true, bool leftStrip = false) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = leftStrip,
        ["rstrip"] = false,
        ["normalized"] = !special,
        ["special"] = special,
    };
}
