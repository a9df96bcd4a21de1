using System.Text.Json;

namespace Inference.Tests;

/// <summary>
/// The Hugging Face Hub tokenizer files in <c>../shared/tokenizers/</c> (bert, roberta, t5), read where they are, and
/// the ids transformers.js gives for the test cases (<c>TestData/tokenizers/expected-ids.json</c>, written by
/// <c>expected_ids.mjs</c>).
/// </summary>
public static class SharedTokenizers
{
    public static readonly string[] Families = ["bert", "roberta", "t5"];

    public static string Root => Path.GetFullPath(Path.Combine(TestPaths.RepositoryRoot, "..", "shared", "tokenizers"));

    public static string Folder(string family) => Path.Combine(Root, family);

    /// <summary>config.json's model type, which decides a family's conventions when there is no tokenizer.json.</summary>
    public static string ModelType(string family) => family;

    public static ExpectedIds Expected { get; } = JsonSerializer.Deserialize<ExpectedIds>(
        File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "Inference.Tests", "TestData", "tokenizers", "expected-ids.json")),
        new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    /// <summary>
    /// Links a family's files into <paramref name="target"/>: all of them (tokenizer.json wins), or its own files without
    /// tokenizer.json. A config.json naming the model type is written unless the caller brings its own.
    /// </summary>
    public static void LinkInto(string target, string family, bool withTokenizerJson, bool writeConfig = true)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(Folder(family)))
        {
            var name = Path.GetFileName(file);
            if (name == "tokenizer.json" && !withTokenizerJson)
            {
                continue;
            }
            File.CreateSymbolicLink(Path.Combine(target, name), file);
        }
        if (writeConfig)
        {
            File.WriteAllText(Path.Combine(target, "config.json"), $$"""{"model_type": "{{ModelType(family)}}"}""");
        }
    }
}

/// <summary>expected-ids.json: every case's ids per family.</summary>
public sealed record ExpectedIds(string Generator, int MaxLength, Dictionary<string, ExpectedCase[]> Families);

/// <summary>One text (or pair), and the ids and segment ids Hugging Face gives it.</summary>
public sealed record ExpectedCase(string Name, string Text, string? TextPair, bool Truncation, long[] InputIds, long[] TokenTypeIds);
