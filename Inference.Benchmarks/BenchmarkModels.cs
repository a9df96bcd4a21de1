using System.Diagnostics;

namespace Inference.Benchmarks;

/// <summary>A model's ONNX file as the API loads it: <c>&lt;root&gt;/&lt;name&gt;/&lt;version&gt;/model.onnx</c>.</summary>
public sealed record ModelFile(string Name, long Bytes);

/// <summary>
/// Where the benchmark's models are: the repository's own (<c>models/</c>) and a model repository in the ignored
/// <c>.cache/benchmark-models</c> folder holding the generated DistilBERT-shaped model and MobileNetV2, linked
/// from the shared reference models, and in its <c>seed004</c> folder (a model root of its own) seed 004's four models.
/// </summary>
public sealed partial class BenchmarkModels
{
    private const string SystemPython = "/usr/bin/python3";
    private const string GeneratorScript = "Inference.Benchmarks/make_distilbert.py";

    private BenchmarkModels(string repositoryRoot)
    {
        RepositoryRoot = repositoryRoot;
        CacheRoot = Path.Combine(repositoryRoot, ".cache", "benchmark-models");
        SharedModels = Environment.GetEnvironmentVariable("INFERENCE_SHARED_MODELS")
            ?? Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "models"));
    }

    public string RepositoryRoot { get; }

    /// <summary>The extra model repository handed to the AppHost (<c>Inference:ExtraModelRoots</c>).</summary>
    public string CacheRoot { get; }

    public string SharedModels { get; }

    public string DistilBertModel => Path.Combine(CacheRoot, "distilbert", "1", "model.onnx");

    public string DistilBertVocabulary => Path.Combine(CacheRoot, "distilbert", "1", "vocab.txt");

    public string SentimentVocabulary => Path.Combine(RepositoryRoot, "models", "sentiment", "1", "vocab.txt");

    public string GoldfishPhoto => Path.Combine(SharedModels, "test-images", "goldfish.jpg");

    private string SharedMobileNet => Path.Combine(SharedModels, "mobilenetv2-12-int8");

    /// <summary>
    /// Finds the repository and makes sure the cached models the run needs exist, generating what is missing: the
    /// DistilBERT-shaped model and MobileNetV2 for the main rows, seed 004's four models for its case.
    /// </summary>
    public static async Task<BenchmarkModels> PrepareAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var models = new BenchmarkModels(FindRepositoryRoot());
        if (!options.OnlySeed004)
        {
            if (!File.Exists(models.DistilBertModel))
            {
                await models.GenerateAsync("the DistilBERT-shaped model", GeneratorScript, models.CacheRoot, [models.DistilBertModel], cancellationToken);
            }
            models.LinkMobileNet();
        }
        if (!options.SkipSeed004)
        {
            await models.PrepareSeed004Async(cancellationToken);
        }
        return models;
    }

    /// <summary>The ONNX files the API loads from both roots (sentiment, digits, distilbert, mobilenet), sizes of link targets.</summary>
    public IReadOnlyList<ModelFile> ServedModelFiles() => ModelFilesUnder(Path.Combine(RepositoryRoot, "models"), CacheRoot);

    /// <summary>
    /// <c>&lt;root&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx</c>, as the API finds them (so the seed004 root inside the cache
    /// root is not counted with it), with the sizes of link targets.
    /// </summary>
    private static ModelFile[] ModelFilesUnder(params string[] roots) =>
        [.. roots
            .SelectMany(Directory.EnumerateDirectories)
            .SelectMany(Directory.EnumerateDirectories)
            .Select(version => new FileInfo(Path.Combine(version, "model.onnx")))
            .Where(file => file.Exists)
            .Select(file => new ModelFile(
                file.Directory!.Parent!.Name,
                file.LinkTarget is null ? file.Length : ((FileInfo)file.ResolveLinkTarget(returnFinalTarget: true)!).Length))];

    /// <summary>Runs a generator script with Debian's Python; <paramref name="outputs"/> must exist afterwards.</summary>
    private async Task GenerateAsync(string what, string script, string outputRoot, IReadOnlyList<string> outputs, CancellationToken cancellationToken)
    {
        var command = $"{SystemPython} {script}";
        if (!File.Exists(SystemPython))
        {
            throw new InvalidOperationException(
                $"{outputs[0]} is missing. Generate it with '{command}' (needs PyTorch 1.13 and onnx: Debian's python3-torch python3-onnx).");
        }

        Console.Error.WriteLine($"Generating {what}: {command}");
        // Its progress goes to standard error with ours: standard output carries the results table only.
        var start = new ProcessStartInfo(SystemPython, [script, outputRoot]) { WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{command}' did not start.");
        Console.Error.Write(await process.StandardOutput.ReadToEndAsync(cancellationToken));
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 || !outputs.All(File.Exists))
        {
            throw new InvalidOperationException($"'{command}' failed (exit code {process.ExitCode}); run it by hand to see why.");
        }
    }

    private void LinkMobileNet()
    {
        var modelFolder = Path.Combine(CacheRoot, "mobilenet");
        var versionFolder = Directory.CreateDirectory(Path.Combine(modelFolder, "1")).FullName;
        ReplaceLink(Path.Combine(versionFolder, "model.onnx"), Path.Combine(SharedMobileNet, "mobilenetv2-12-int8.onnx"));
        ReplaceLink(Path.Combine(modelFolder, "synset.txt"), Path.Combine(SharedMobileNet, "synset.txt"));
        File.WriteAllText(Path.Combine(modelFolder, "model.json"), """
            {"task":"image-classification","labelsFile":"synset.txt","image":{"width":224,"height":224,"channels":3,"layout":"nchw","resize":"center-crop","mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}}
            """);
    }

    // Re-linked every run, so a moved shared folder (INFERENCE_SHARED_MODELS) never leaves a dangling link behind.
    private static void ReplaceLink(string link, string target)
    {
        if (!File.Exists(target))
        {
            throw new FileNotFoundException($"Reference model file missing: {target} (set INFERENCE_SHARED_MODELS to the shared models folder).", target);
        }
        File.Delete(link);
        File.CreateSymbolicLink(link, target);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Inference.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Inference.sln was not found above {AppContext.BaseDirectory}.");
    }
}
