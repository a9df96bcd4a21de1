using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inference.Engine.Processing.Tokenization;

/// <summary>
/// The Hugging Face files of one model version, as an Optimum export or a Hub snapshot lays them out: looked up in the
/// version folder first, then in the model folder. JSON files are read leniently (comments, trailing commas, CRLF).
/// </summary>
public sealed class HuggingFaceFolder
{
    public const string ConfigFile = "config.json";
    public const string TokenizerFile = "tokenizer.json";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SpecialTokensMapFile = "special_tokens_map.json";

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly string[] _directories;

    public HuggingFaceFolder(params string[] directories)
    {
        _directories = directories;
        Config = ReadObject(ConfigFile);
        TokenizerConfig = ReadObject(TokenizerConfigFile);
        SpecialTokensMap = ReadObject(SpecialTokensMapFile);
    }

    /// <summary><c>config.json</c>, or an empty object.</summary>
    public JsonObject Config { get; }

    /// <summary><c>tokenizer_config.json</c>, or an empty object.</summary>
    public JsonObject TokenizerConfig { get; }

    /// <summary><c>special_tokens_map.json</c>, or an empty object.</summary>
    public JsonObject SpecialTokensMap { get; }

    public bool HasConfig => Find(ConfigFile) is not null;

    /// <summary><c>model_type</c> from config.json (e.g. <c>bert</c>, <c>roberta</c>, <c>t5</c>), lower case; empty when absent.</summary>
    public string ModelType => (String(Config, "model_type") ?? "").ToLowerInvariant();

    /// <summary>The path of a file in the version folder or, failing that, the model folder.</summary>
    public string? Find(string fileName) =>
        _directories.Select(directory => Path.Combine(directory, fileName)).FirstOrDefault(File.Exists);

    /// <summary>Where the files are looked for, for messages.</summary>
    public string Describe() => string.Join(" or ", _directories);

    /// <summary>
    /// A special token as tokenizer_config.json or special_tokens_map.json names it (<c>"cls_token": "[CLS]"</c>, or an
    /// added-token object with <c>content</c>); null when neither does.
    /// </summary>
    public string? SpecialToken(string key) =>
        TokenText(TokenizerConfig[key]) ?? TokenText(SpecialTokensMap[key]);

    public bool? TokenizerFlag(string key) =>
        TokenizerConfig[key] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    /// <summary>
    /// tokenizer_config.json's <c>model_max_length</c>, when it is a real limit (Hugging Face writes a huge number for
    /// "none").
    /// </summary>
    public int? ModelMaxLength =>
        TokenizerConfig["model_max_length"] is JsonValue value && value.TryGetValue<double>(out var length) && length is > 0 and < 1_000_000
            ? (int)length
            : null;

    public int? ConfigInt(string key) =>
        Config[key] is JsonValue value && value.TryGetValue<double>(out var number) && number == Math.Floor(number) ? (int)number : null;

    public static string? String(JsonObject json, string key) =>
        json[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static JsonObject ParseObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: Lenient) as JsonObject
                ?? throw new ArgumentException($"{Path.GetFileName(path)} is not a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new ArgumentException($"{Path.GetFileName(path)} is not valid JSON: {exception.Message}");
        }
    }

    private JsonObject ReadObject(string fileName) => Find(fileName) is { } path ? ParseObject(path) : [];

    private static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonObject added => String(added, "content"),
        _ => null,
    };
}
