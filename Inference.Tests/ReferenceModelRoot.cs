using System.Globalization;

namespace Inference.Tests;

/// <summary>
/// A temporary model repository whose folders hold the project's own <c>model.json</c> and link to the
/// shared reference models, the way an operator adds a third-party model.
/// </summary>
public sealed partial class ReferenceModelRoot : IDisposable
{
    public ReferenceModelRoot()
    {
        Path = Directory.CreateTempSubdirectory("inference-models-").FullName;

        AddModel("mobilenet", TestPaths.MobileNet, """
            {
              "task": "image-classification",
              "description": "MobileNetV2 int8, ImageNet (reference model)",
              "labelsFile": "synset.txt",
              "image": { "width": 224, "height": 224, "channels": 3, "layout": "nchw", "resize": "center-crop",
                         "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225] }
            }
            """);
        File.CreateSymbolicLink(System.IO.Path.Combine(Path, "mobilenet", "synset.txt"), TestPaths.ImageNetLabels);

        AddModel("mnist", TestPaths.Mnist, """
            {
              "task": "image-classification",
              "description": "MNIST digits, fixed batch 1 (reference model)",
              "labels": ["0","1","2","3","4","5","6","7","8","9"],
              "image": { "width": 28, "height": 28, "channels": 1, "resize": "stretch", "resampler": "box", "invert": true,
                         "mean": [0], "std": [1] }
            }
            """);

        AddHuggingFaceModels();

        // Copies of the project's sentiment model: two versions for traffic splits, and models of their own for the
        // cache and analytics tests so no other test's traffic changes their numbers.
        AddSentimentCopy(TwoVersionModel, [1, 2]);
        AddSentimentCopy(AnalyticsModel, [1, 2]);
        AddSentimentCopy(ConsoleModel, [1, 2], maxSequenceLength: ConsoleMaxSequenceLength);
        AddSentimentCopy(ReloadModel, [1]);
        AddSentimentCopy(UploadModel, [1]);
        AddSentimentCopy(ConsoleUploadModel, [1]);
        AddSentimentCopy(CachedVersionsModel, [1, 2]);
        AddSentimentCopy(ShortCacheModel, [1], $$""", "cache": { "ttlSeconds": {{ShortCacheSeconds}} }""");
        AddSentimentCopy(UncachedModel, [1], """, "cache": { "enabled": false }""");
        // A queue-time budget of one microsecond: any request that would wait behind a running batch is refused.
        AddSentimentCopy(OverloadModel, [1], """, "cache": { "enabled": false }, "batching": { "queueTimeBudgetMs": 0.001 }""");

        // A model that cannot load must be listed as unavailable without harming the others.
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "broken", "1"));
        File.WriteAllText(System.IO.Path.Combine(Path, "broken", "model.json"), """{ "task": "text-classification" }""");
        File.WriteAllText(System.IO.Path.Combine(Path, "broken", "1", "model.onnx"), "this is not an ONNX file");
    }

    /// <summary>Versions 1 and 2, both the project's sentiment model, all served.</summary>
    public const string TwoVersionModel = "sentiment-ab";

    /// <summary>Like <see cref="TwoVersionModel"/>, used only by the analytics tests.</summary>
    public const string AnalyticsModel = "sentiment-stats";

    /// <summary>Versions 1 and 2, driven only by the admin console's browser tests (split, unload, reload, history).</summary>
    public const string ConsoleModel = "sentiment-console";

    /// <summary>
    /// The console model's token limit: the sentiment network is convolutional with no position embeddings, so it reads
    /// texts of any length, and this one takes the API's longest (20,000 characters).
    /// </summary>
    public const int ConsoleMaxSequenceLength = 8192;

    /// <summary>Two versions over one file, asked for by version by the cache tests only (no split, no reload).</summary>
    public const string CachedVersionsModel = "sentiment-cached-versions";

    /// <summary>Reloaded by the cache tests.</summary>
    public const string ReloadModel = "sentiment-reload";

    /// <summary>Given new versions by upload in the API's tests.</summary>
    public const string UploadModel = "sentiment-upload";

    /// <summary>Given new versions by upload from the console's models page.</summary>
    public const string ConsoleUploadModel = "sentiment-console-upload";

    /// <summary>The files of the project's sentiment model's version folder, as an upload sends them.</summary>
    public static string SentimentVersionFolder => System.IO.Path.Combine(TestPaths.ProjectModels, "sentiment", "1");

    /// <summary>Cached for <see cref="ShortCacheSeconds"/> only (model.json <c>cache.ttlSeconds</c>).</summary>
    public const string ShortCacheModel = "sentiment-ttl";

    public const int ShortCacheSeconds = 2;

    /// <summary>Never cached (model.json <c>cache.enabled: false</c>).</summary>
    public const string UncachedModel = "sentiment-uncached";

    /// <summary>Flooded by the overload tests only: uncached, with a queue-time budget so small that a flood is shed.</summary>
    public const string OverloadModel = "sentiment-overload";

    public string Path { get; }

    private void AddSentimentCopy(string name, int[] versions, string extraSettings = "", int maxSequenceLength = 128)
    {
        var source = SentimentVersionFolder;
        foreach (var version in versions)
        {
            var versionDirectory = Directory.CreateDirectory(System.IO.Path.Combine(Path, name, version.ToString(CultureInfo.InvariantCulture))).FullName;
            foreach (var file in Directory.EnumerateFiles(source))
            {
                File.CreateSymbolicLink(System.IO.Path.Combine(versionDirectory, System.IO.Path.GetFileName(file)), file);
            }
        }

        File.WriteAllText(System.IO.Path.Combine(Path, name, "model.json"), $$"""
            {
              "task": "text-classification",
              "labels": ["negative", "positive"],
              "text": { "vocabFile": "vocab.txt", "lowercase": true, "maxSequenceLength": {{maxSequenceLength}} },
              "versionPolicy": "all"{{extraSettings}}
            }
            """);
    }

    private void AddModel(string name, string onnxFile, string configuration)
    {
        var versionDirectory = Directory.CreateDirectory(System.IO.Path.Combine(Path, name, "1")).FullName;
        File.WriteAllText(System.IO.Path.Combine(Path, name, "model.json"), configuration);
        File.CreateSymbolicLink(System.IO.Path.Combine(versionDirectory, "model.onnx"), onnxFile);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
