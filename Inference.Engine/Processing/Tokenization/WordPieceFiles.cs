using System.Text.Json.Nodes;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// A BERT-family <c>vocab.txt</c> as a tokenizer definition, as <c>transformers</c>' BertConverter builds it: BERT's
/// normalizer (clean-up, CJK spacing, lower case and accent stripping per tokenizer_config.json), BERT's
/// pre-tokenizer and WordPiece with <c>##</c> continuations; <c>[CLS] A [SEP]</c> / <c>[CLS] A [SEP] B [SEP]</c>.
/// </summary>
public static class WordPieceFiles
{
    public static TokenizerDefinition Read(string vocabularyPath, HuggingFaceFolder folder, bool? lowercaseOverride)
    {
        var vocabulary = new JsonObject();
        var index = 0;
        foreach (var line in File.ReadLines(vocabularyPath))
        {
            // One token per line; the line number is the id (a repeated token keeps its last line, as Python's dict does).
            vocabulary[line.TrimEnd('\r', '\n')] = index++;
        }
        if (index == 0)
        {
            throw new ArgumentException($"{Path.GetFileName(vocabularyPath)} is empty.");
        }

        var lowercase = lowercaseOverride ?? folder.TokenizerFlag("do_lower_case") ?? true;
        var unknown = folder.SpecialToken("unk_token") ?? "[UNK]";
        var definition = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = AddedSpecialTokens(folder, vocabulary, ["unk_token", "sep_token", "pad_token", "cls_token", "mask_token"],
                ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer",
                ["clean_text"] = true,
                ["handle_chinese_chars"] = folder.TokenizerFlag("tokenize_chinese_chars") ?? true,
                // null: strip accents exactly when lowercasing (uncased models).
                ["strip_accents"] = folder.TokenizerFlag("strip_accents") is { } strip ? strip : null,
                ["lowercase"] = lowercase,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = unknown,
                ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = folder.TokenizerConfig["max_input_chars_per_word"] is JsonValue max && max.TryGetValue<int>(out var chars) ? chars : 100,
                ["vocab"] = vocabulary,
            },
        };

        var tokens = TokenVocabulary.Of(definition);
        var cls = Required(tokens, folder.SpecialToken("cls_token") ?? "[CLS]", vocabularyPath);
        var sep = Required(tokens, folder.SpecialToken("sep_token") ?? "[SEP]", vocabularyPath);
        return new TokenizerDefinition(definition, SpecialTokenTemplate.Bert(cls, sep), "vocab.txt (WordPiece)",
            TokenizerDefinition.PaddingIdOf(folder, tokens) ?? tokens.IdOf("[PAD]") ?? 0);
    }

    /// <summary>The family's special tokens that the vocabulary holds, as added tokens (never split, matched first).</summary>
    internal static JsonArray AddedSpecialTokens(HuggingFaceFolder folder, JsonObject vocabulary, string[] keys, string[] defaults)
    {
        var added = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            var token = folder.SpecialToken(keys[i]) ?? defaults[i];
            if (seen.Add(token) && vocabulary[token] is JsonValue id)
            {
                added.Add(TokenizerDefinition.AddedToken(id.GetValue<int>(), token, leftStrip: keys[i] == "mask_token" && token == "<mask>"));
            }
        }
        return added;
    }

    internal static int Required(TokenVocabulary tokens, string token, string path) =>
        tokens.IdOf(token) ?? throw new ArgumentException($"{Path.GetFileName(path)} has no '{token}' token.");
}
