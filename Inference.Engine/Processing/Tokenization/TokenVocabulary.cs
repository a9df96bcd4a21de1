using System.Text.Json.Nodes;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>Token text by id and id by token text, from a tokenizer definition's model vocabulary and added tokens.</summary>
public sealed class TokenVocabulary
{
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    private TokenVocabulary(string[] tokens, Dictionary<string, int> ids)
    {
        _tokens = tokens;
        _ids = ids;
    }

    public int Count => _tokens.Length;

    public static TokenVocabulary Of(JsonObject definition)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        switch (definition["model"]?["vocab"])
        {
            case JsonObject byToken:
                foreach (var (token, id) in byToken)
                {
                    ids[token] = id!.GetValue<int>();
                }
                break;
            case JsonArray pieces:
                // Unigram: [[piece, score], ...] in id order.
                for (var id = 0; id < pieces.Count; id++)
                {
                    ids.TryAdd(pieces[id]![0]!.GetValue<string>(), id);
                }
                break;
            default:
                throw new ArgumentException("the tokenizer's model has no vocabulary.");
        }
        foreach (var added in definition["added_tokens"] as JsonArray ?? [])
        {
            if (added?["content"]?.GetValue<string>() is { } content && added["id"] is JsonValue id)
            {
                ids[content] = id.GetValue<int>();
            }
        }

        var tokens = new string[ids.Count == 0 ? 0 : ids.Values.Max() + 1];
        foreach (var (token, id) in ids)
        {
            // Where two tokens share an id, the first keeps it (as Hugging Face's reverse vocabulary does).
            tokens[id] ??= token;
        }
        return new TokenVocabulary(tokens, ids);
    }

    public int? IdOf(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public string TokenOf(int id) => id >= 0 && id < _tokens.Length && _tokens[id] is { } token ? token : $"<{id}>";
}
