namespace Inference.Benchmarks;

/// <summary>
/// Seed 004's four text models at their real sizes, generated with seeded weights by <c>make_seed004.py</c> into
/// <c>.cache/benchmark-models/seed004</c> as Hugging Face Optimum folders (no model.json), with roberta-base's Hub
/// tokenizer files from <c>../shared/tokenizers/roberta</c> linked beside each model.
/// </summary>
public sealed partial class BenchmarkModels
{
    private const string Seed004GeneratorScript = "Inference.Benchmarks/make_seed004.py";

    public const string Seed004Sentiment = "seed004-sentiment";
    public const string Seed004Topics = "seed004-topics";
    public const string Seed004Embeddings = "seed004-embeddings";
    public const string Seed004ZeroShot = "seed004-zero-shot";

    public static readonly string[] Seed004Names = [Seed004Sentiment, Seed004Topics, Seed004Embeddings, Seed004ZeroShot];

    /// <summary>A model root of its own: the seed 004 case starts the API with these four models and no others.</summary>
    public string Seed004Root => Path.Combine(CacheRoot, "seed004");

    /// <summary>The Hub tokenizer files (bert, roberta, t5) beside the repository, as the tests read them.</summary>
    public string SharedTokenizers => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "tokenizers"));

    public string Seed004ModelPath(string name) => Path.Combine(Seed004Root, name, "1", "model.onnx");

    public IReadOnlyList<ModelFile> Seed004ModelFiles() => [.. ModelFilesUnder(Seed004Root).OrderBy(file => Array.IndexOf(Seed004Names, file.Name))];

    private async Task PrepareSeed004Async(CancellationToken cancellationToken)
    {
        var modelPaths = Seed004Names.Select(Seed004ModelPath).ToArray();
        if (!modelPaths.All(File.Exists))
        {
            await GenerateAsync("seed 004's four models (about 3 GB; several minutes)", Seed004GeneratorScript, Seed004Root, modelPaths, cancellationToken);
        }
        var roberta = Path.Combine(SharedTokenizers, "roberta");
        foreach (var path in modelPaths)
        {
            // Every file of the family, tokenizer.json included, as an Optimum export of roberta-base carries them.
            foreach (var file in Directory.EnumerateFiles(roberta).Where(file => !file.EndsWith(".md", StringComparison.Ordinal)))
            {
                ReplaceLink(Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileName(file)), file);
            }
        }
    }
}
