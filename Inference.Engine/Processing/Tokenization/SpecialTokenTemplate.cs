using System.Text.Json.Nodes;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>One element of a template: a special token, or the place of the first (A) or second (B) text.</summary>
/// <param name="Sequence">'A' or 'B' for a text; '\0' for a special token.</param>
public sealed record TemplatePiece(char Sequence, int TypeId, int TokenId = 0)
{
    public bool IsSpecial => Sequence == '\0';
}

/// <summary>
/// Where the special tokens go around one text and around a pair, with the segment (token type) of each part: what
/// Hugging Face's post-processor does (<c>TemplateProcessing</c>, <c>BertProcessing</c>, <c>RobertaProcessing</c>).
/// </summary>
public sealed record SpecialTokenTemplate(IReadOnlyList<TemplatePiece> Single, IReadOnlyList<TemplatePiece> Pair)
{
    /// <summary>No special tokens (e.g. GPT-2).</summary>
    public static readonly SpecialTokenTemplate None = new([new('A', 0)], [new('A', 0), new('B', 1)]);

    /// <summary><c>[CLS] A [SEP]</c> and <c>[CLS] A [SEP] B [SEP]</c>, B's part in segment 1.</summary>
    public static SpecialTokenTemplate Bert(int cls, int sep) => new(
        [new('\0', 0, cls), new('A', 0), new('\0', 0, sep)],
        [new('\0', 0, cls), new('A', 0), new('\0', 0, sep), new('B', 1), new('\0', 1, sep)]);

    /// <summary><c>&lt;s&gt; A &lt;/s&gt;</c> and <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>, as Hugging Face's RobertaProcessing.</summary>
    public static SpecialTokenTemplate Roberta(int cls, int sep) => new(
        [new('\0', 0, cls), new('A', 0), new('\0', 0, sep)],
        [new('\0', 0, cls), new('A', 0), new('\0', 0, sep), new('\0', 1, sep), new('B', 1), new('\0', 1, sep)]);

    /// <summary><c>A &lt;/s&gt;</c> and <c>A &lt;/s&gt; B &lt;/s&gt;</c>, all in segment 0 (T5).</summary>
    public static SpecialTokenTemplate EndOfSequence(int eos) => new(
        [new('A', 0), new('\0', 0, eos)],
        [new('A', 0), new('\0', 0, eos), new('B', 0), new('\0', 0, eos)]);

    /// <summary>Special tokens added around one text.</summary>
    public int SingleSpecialCount => Single.Count(piece => piece.IsSpecial);

    /// <summary>Special tokens added around a pair.</summary>
    public int PairSpecialCount => Pair.Count(piece => piece.IsSpecial);

    /// <summary>
    /// The template of a tokenizer.json <c>post_processor</c>; null when it has none. <paramref name="tokenId"/> resolves
    /// a token's id for the processors that name tokens only.
    /// </summary>
    public static SpecialTokenTemplate? FromPostProcessor(JsonNode? processor, Func<string, int> tokenId)
    {
        if (processor is not JsonObject json)
        {
            return null;
        }
        switch (HuggingFaceFolder.String(json, "type"))
        {
            case "TemplateProcessing":
                return new(TemplatePieces(json["single"], json["special_tokens"], tokenId), TemplatePieces(json["pair"], json["special_tokens"], tokenId));
            case "BertProcessing":
                return Bert(TokenOf(json["cls"], tokenId), TokenOf(json["sep"], tokenId));
            case "RobertaProcessing":
                return Roberta(TokenOf(json["cls"], tokenId), TokenOf(json["sep"], tokenId));
            case "Sequence":
                // ByteLevel and the like only move offsets; the processor that adds tokens decides the template.
                return (json["processors"] as JsonArray ?? [])
                    .Select(inner => FromPostProcessor(inner, tokenId))
                    .LastOrDefault(template => template is not null);
            case "ByteLevel":
                return null;
            case var other:
                throw new ArgumentException($"tokenizer.json's post_processor '{other}' is not supported.");
        }
    }

    private static int TokenOf(JsonNode? pair, Func<string, int> tokenId) => pair switch
    {
        // ["[CLS]", 101]
        JsonArray { Count: 2 } array when array[1] is JsonValue id && id.TryGetValue<int>(out var value) => value,
        JsonArray { Count: >= 1 } array when array[0] is JsonValue token && token.TryGetValue<string>(out var text) => tokenId(text),
        _ => throw new ArgumentException("tokenizer.json's post_processor names a special token it does not define."),
    };

    private static TemplatePiece[] TemplatePieces(JsonNode? pieces, JsonNode? specialTokens, Func<string, int> tokenId)
    {
        var result = new List<TemplatePiece>();
        foreach (var piece in pieces as JsonArray ?? [])
        {
            if (piece?["Sequence"] is JsonObject sequence)
            {
                var name = HuggingFaceFolder.String(sequence, "id") ?? "A";
                result.Add(new(name == "B" ? 'B' : 'A', TypeIdOf(sequence)));
            }
            else if (piece?["SpecialToken"] is JsonObject special)
            {
                var name = HuggingFaceFolder.String(special, "id") ?? "";
                // A template token may stand for several ids ("special_tokens": {"[CLS]": {"ids": [101]}}).
                var ids = specialTokens?[name]?["ids"] as JsonArray;
                var typeId = TypeIdOf(special);
                if (ids is { Count: > 0 })
                {
                    result.AddRange(ids.Select(id => new TemplatePiece('\0', typeId, id!.GetValue<int>())));
                }
                else
                {
                    result.Add(new('\0', typeId, tokenId(name)));
                }
            }
        }
        return [.. result];
    }

    private static int TypeIdOf(JsonObject piece) =>
        piece["type_id"] is JsonValue value && value.TryGetValue<int>(out var typeId) ? typeId : 0;
}
