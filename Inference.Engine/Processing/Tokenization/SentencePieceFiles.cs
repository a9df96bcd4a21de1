using System.Text.Json.Nodes;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// A SentencePiece Unigram <c>.model</c> as a tokenizer definition, as <c>transformers</c>' T5Converter and
/// XLMRobertaConverter build it: the model's precompiled normalizer, whitespace split with the <c>▁</c> metaspace, and
/// Unigram over the pieces and their scores. The special tokens follow from config.json's model type.
/// </summary>
public static class SentencePieceFiles
{
    public static readonly string[] FileNames = ["spiece.model", "sentencepiece.bpe.model", "tokenizer.model"];

    private static readonly string[] T5Types = ["t5", "mt5", "umt5", "longt5"];
    private static readonly string[] FairseqTypes = ["xlm-roberta", "xlm-roberta-xl"];

    public static TokenizerDefinition Read(string path, HuggingFaceFolder folder)
    {
        var model = SentencePieceModel.Read(path);
        var file = Path.GetFileName(path);
        if (model.ModelType != SentencePieceModel.Unigram)
        {
            throw new ArgumentException($"{file} is a SentencePiece BPE model; serve it with its tokenizer.json (only Unigram models are converted).");
        }
        var family = T5Types.Contains(folder.ModelType) || HuggingFaceFolder.String(folder.TokenizerConfig, "tokenizer_class") is "T5Tokenizer" or "T5TokenizerFast"
            ? "t5"
            : FairseqTypes.Contains(folder.ModelType) ? "xlm-roberta" : null;
        if (family is null)
        {
            throw new ArgumentException($"{file} without tokenizer.json is understood for T5 and XLM-RoBERTa models; config.json's model_type is "
                + $"'{folder.ModelType}'. Add the model's tokenizer.json.");
        }

        var (pieces, unknownId) = family == "t5" ? T5Pieces(model, folder) : FairseqPieces(model);
        var added = new JsonArray();
        for (var id = 0; id < pieces.Count; id++)
        {
            if (pieces[id].Kind is SentencePieceKind.Control or SentencePieceKind.Unknown)
            {
                added.Add(TokenizerDefinition.AddedToken(id, pieces[id].Piece));
            }
        }
        var definition = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = model.PrecompiledCharsMap.Length > 0
                ? new JsonObject { ["type"] = "Precompiled", ["precompiled_charsmap"] = Convert.ToBase64String(model.PrecompiledCharsMap) }
                : null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "WhitespaceSplit" },
                    new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = model.AddDummyPrefix ? "always" : "never", ["split"] = true }),
            },
            ["model"] = new JsonObject
            {
                ["type"] = "Unigram",
                ["unk_id"] = unknownId,
                ["byte_fallback"] = model.ByteFallback,
                ["vocab"] = new JsonArray([.. pieces.Select(piece => (JsonNode)new JsonArray(piece.Piece, piece.Score))]),
            },
        };

        var tokens = TokenVocabulary.Of(definition);
        var template = family == "t5"
            ? SpecialTokenTemplate.EndOfSequence(WordPieceFiles.Required(tokens, folder.SpecialToken("eos_token") ?? "</s>", path))
            : SpecialTokenTemplate.Roberta(WordPieceFiles.Required(tokens, "<s>", path), WordPieceFiles.Required(tokens, "</s>", path));
        return new TokenizerDefinition(definition, template, $"{file} (SentencePiece Unigram)",
            TokenizerDefinition.PaddingIdOf(folder, tokens) ?? tokens.IdOf("<pad>") ?? 0);
    }

    /// <summary>T5 appends <c>&lt;extra_id_N&gt;</c> sentinels after the pieces, the last id being <c>&lt;extra_id_0&gt;</c>.</summary>
    private static (List<SentencePiece> Pieces, int UnknownId) T5Pieces(SentencePieceModel model, HuggingFaceFolder folder)
    {
        var extraIds = folder.TokenizerConfig["extra_ids"] is JsonValue value && value.TryGetValue<int>(out var count) ? count : 100;
        var pieces = model.Pieces.ToList();
        for (var i = extraIds - 1; i >= 0; i--)
        {
            pieces.Add(new SentencePiece($"<extra_id_{i}>", 0, SentencePieceKind.Control));
        }
        return (pieces, model.UnknownId);
    }

    /// <summary>fairseq's dictionary: &lt;s&gt;, &lt;pad&gt;, &lt;/s&gt;, &lt;unk&gt; first, every piece one id later, &lt;mask&gt; last.</summary>
    private static (List<SentencePiece> Pieces, int UnknownId) FairseqPieces(SentencePieceModel model)
    {
        List<SentencePiece> pieces =
        [
            new("<s>", 0, SentencePieceKind.Control),
            new("<pad>", 0, SentencePieceKind.Control),
            new("</s>", 0, SentencePieceKind.Control),
            new("<unk>", 0, SentencePieceKind.Unknown),
            .. model.Pieces.Skip(3),
            new("<mask>", 0, SentencePieceKind.Control),
        ];
        return (pieces, 3);
    }
}
