using System.Text.Json.Nodes;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// A GPT-2-style <c>vocab.json</c> + <c>merges.txt</c> (RoBERTa, BART, GPT-2, ...) as a tokenizer definition, as
/// <c>transformers</c>' RobertaConverter / GPT2Converter build it: byte-level pre-tokenizer and BPE. The special
/// tokens follow from config.json's model type, as AutoTokenizer infers them: none for GPT-2, else
/// <c>&lt;s&gt; A &lt;/s&gt;</c> / <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>.
/// </summary>
public static class ByteLevelBpeFiles
{
    private static readonly string[] NoSpecialTokenTypes = ["gpt2", "gpt_neo", "gptj", "codegen"];

    public static TokenizerDefinition Read(string vocabularyPath, string mergesPath, HuggingFaceFolder folder)
    {
        var vocabulary = HuggingFaceFolder.ParseObject(vocabularyPath);
        var merges = new JsonArray();
        foreach (var line in File.ReadLines(mergesPath))
        {
            // The first line may be "#version: 0.2"; every other non-empty line is one merge, "a b".
            if (line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            {
                merges.Add(line.TrimEnd('\r'));
            }
        }

        var addPrefixSpace = folder.TokenizerFlag("add_prefix_space") ?? false;
        var definition = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = WordPieceFiles.AddedSpecialTokens(folder, vocabulary,
                ["bos_token", "pad_token", "eos_token", "unk_token", "mask_token"], ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "ByteLevel",
                ["add_prefix_space"] = addPrefixSpace,
                ["trim_offsets"] = true,
                ["use_regex"] = true,
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocabulary,
                ["merges"] = merges,
            },
        };

        var tokens = TokenVocabulary.Of(definition);
        var template = NoSpecialTokenTypes.Contains(folder.ModelType)
            ? SpecialTokenTemplate.None
            : SpecialTokenTemplate.Roberta(
                WordPieceFiles.Required(tokens, folder.SpecialToken("cls_token") ?? folder.SpecialToken("bos_token") ?? "<s>", vocabularyPath),
                WordPieceFiles.Required(tokens, folder.SpecialToken("sep_token") ?? folder.SpecialToken("eos_token") ?? "</s>", vocabularyPath));
        return new TokenizerDefinition(definition, template, "vocab.json + merges.txt (byte-level BPE)",
            TokenizerDefinition.PaddingIdOf(folder, tokens) ?? tokens.IdOf("<pad>") ?? 0);
    }
}
