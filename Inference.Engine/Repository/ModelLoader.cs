using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;
using Inference.Engine.Processing.Tokenization;
using Inference.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Engine.Repository;

/// <summary>Reads a model folder (<c>model.json</c> + numbered version folders) into warmed <see cref="ModelVersion"/>s.</summary>
public sealed partial class ModelLoader(InferenceOptions options, SemaphoreSlim? globalLock, IBatchObserver? observer)
{
    public const string ConfigurationFileName = "model.json";
    public const string ModelFileName = "model.onnx";

    /// <summary>model.json when the folder has one; else what a Hugging Face export's config.json says.</summary>
    public static ModelConfiguration ReadConfiguration(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, ConfigurationFileName);
        if (!File.Exists(path))
        {
            return HuggingFaceModelConfiguration.Infer(modelDirectory);
        }

        ModelConfiguration? configuration;
        try
        {
            configuration = JsonSerializer.Deserialize<ModelConfiguration>(File.ReadAllText(path), ModelConfiguration.JsonOptions);
        }
        catch (JsonException exception)
        {
            throw new ArgumentException($"{ConfigurationFileName} is not valid: {exception.Message}");
        }

        if (configuration is null)
        {
            throw new ArgumentException($"{ConfigurationFileName} is empty.");
        }
        if (!ModelTasks.All.Contains(configuration.Task))
        {
            throw new ArgumentException($"task '{configuration.Task}' is not supported; use {string.Join(", ", ModelTasks.All)}.");
        }
        if (configuration.OutputKind is not ("logits" or "probabilities"))
        {
            throw new ArgumentException($"outputKind '{configuration.OutputKind}' is not logits or probabilities.");
        }
        if (configuration.Threshold is <= 0 or >= 1)
        {
            throw new ArgumentException($"threshold {configuration.Threshold} is not between 0 and 1.");
        }
        if (configuration.Pooling is not (null or EmbeddingPooling.Mean or EmbeddingPooling.Cls))
        {
            throw new ArgumentException($"pooling '{configuration.Pooling}' is not {EmbeddingPooling.Mean} or {EmbeddingPooling.Cls}.");
        }
        if (configuration.VersionPolicy is not ("latest" or "all" or "specific")
            || (configuration.VersionPolicy == "specific" && configuration.Versions is not { Count: > 0 })
            || configuration.LatestCount < 1)
        {
            throw new ArgumentException("versionPolicy must be 'latest' (with latestCount ≥ 1), 'all', or 'specific' with a non-empty 'versions' list.");
        }
        return configuration;
    }

    /// <summary>The numbered version folders holding a model.onnx that the model's version policy selects, lowest first.</summary>
    public static IReadOnlyList<int> SelectVersions(string modelDirectory, ModelConfiguration configuration)
    {
        int[] present = [.. Directory.EnumerateDirectories(modelDirectory)
            .Select(dir => (Dir: dir, Ok: int.TryParse(Path.GetFileName(dir), out var v) && v > 0, Version: v))
            .Where(entry => entry.Ok && File.Exists(Path.Combine(entry.Dir, ModelFileName)))
            .Select(entry => entry.Version)
            .Order()];
        return configuration.VersionPolicy switch
        {
            "all" => present,
            "specific" => configuration.Versions!.Any(v => !present.Contains(v))
                ? throw new ArgumentException($"versions {string.Join(", ", configuration.Versions!.Where(v => !present.Contains(v)))} have no {ModelFileName}.")
                : [.. configuration.Versions!.Order()],
            _ => present[Math.Max(0, present.Length - configuration.LatestCount)..],
        };
    }

    /// <summary>
    /// Creates the session, the pre-processing and the batcher, and warms the model with representative batches. The
    /// version's files are read from <paramref name="versionDirectory"/> when given (an upload being checked before it
    /// takes its numbered folder), else from the numbered folder.
    /// </summary>
    public ModelVersion Load(string name, string modelDirectory, ModelConfiguration configuration, int version, string? versionDirectory = null)
    {
        versionDirectory ??= Path.Combine(modelDirectory, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var modelPath = Path.Combine(versionDirectory, ModelFileName);
        var residentBefore = Environment.WorkingSet;
        var (fingerprint, bytes) = Fingerprint(modelPath);

        var (session, provider) = ExecutionProviders.CreateSession(
            modelPath, configuration.ExecutionProvider ?? options.ExecutionProvider, SessionSettingsFor($"{name}-{version}-{fingerprint}"));
        TextEncoder? textEncoder = null;
        try
        {
            var huggingFace = new HuggingFaceFolder(versionDirectory, modelDirectory);
            var imagePreprocessor = configuration.Task == ModelTasks.ImageClassification
                ? new ImagePreprocessor(configuration.Image ?? new ImageSettings(), options.MaxImagePixels)
                : null;
            var labels = LoadLabels(configuration, modelDirectory, versionDirectory);
            var head = OutputHeadSettings.Read(configuration, huggingFace);
            textEncoder = configuration.Task is ModelTasks.TextClassification or ModelTasks.FeatureExtraction
                ? TextEncoder.Load(huggingFace, configuration.Text ?? new TextSettings())
                : null;
            var parts = new ModelVersionParts(name, version, configuration, labels, head, session, provider, fingerprint, bytes, textEncoder, imagePreprocessor);
            var model = new ModelVersion(parts, options.Batching, globalLock, observer);
            try
            {
                WarmUp(model);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            model.MemoryBytes = Math.Max(0, Environment.WorkingSet - residentBefore);
            return model;
        }
        catch
        {
            textEncoder?.Dispose();
            session.Dispose();
            throw;
        }
    }

    private SessionSettings SessionSettingsFor(string cacheKey) => new(
        options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount,
        options.GraphOptimizationLevel.ToLowerInvariant() switch
        {
            "disabled" => GraphOptimizationLevel.ORT_DISABLE_ALL,
            "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
            var other => throw new ArgumentException($"Inference:GraphOptimizationLevel '{other}' is not disabled, basic, extended or all."),
        },
        string.IsNullOrEmpty(options.OptimizedModelCacheDirectory) ? null : Path.Combine(options.OptimizedModelCacheDirectory, cacheKey))
    {
        AllowSpinning = options.AllowSpinning,
    };

    /// <summary>
    /// The first runs allocate and plan; doing them here, at batch 1 and at the largest batch, keeps that
    /// cost off the first callers' latency.
    /// </summary>
    private static void WarmUp(ModelVersion model)
    {
        var largest = model.Batching.Enabled ? model.Batching.MaxBatchSize : 1;
        if (model.TextEncoder is not null)
        {
            var sample = model.TextEncoder.Encode("a representative sentence to plan and allocate the model's first runs before serving", null, truncate: true);
            model.RunTextBatch([sample]);
            if (largest > 1)
            {
                model.RunTextBatch([.. Enumerable.Repeat(sample, largest)]);
            }
        }
        else if (model.ImagePreprocessor is not null)
        {
            var blank = new float[model.ImagePreprocessor.SampleLength];
            model.RunImageBatch([blank]);
            if (largest > 1)
            {
                model.RunImageBatch([.. Enumerable.Repeat(blank, largest)]);
            }
        }
        else
        {
            WarmUpTensors(model);
        }
    }

    /// <summary>
    /// A tensor model is warmed with zeros (dynamic dimensions as 1). Some models need particular values (indices,
    /// numbers as strings); for those the first caller pays the warm-up, which is not a reason to refuse the model.
    /// </summary>
    private static void WarmUpTensors(ModelVersion model)
    {
        try
        {
            var inputs = model.Inputs.Where(input => input.ProtocolType is not null).Select(input =>
            {
                long[] shape = [.. input.Shape.Select(d => d < 0 ? 1 : d)];
                var count = InferTensor.ElementCountOf(shape);
                return input.ProtocolType == TensorDataType.BYTES
                    ? InferTensor.FromStrings(input.Name, shape, [.. Enumerable.Range(0, (int)count).Select(_ => "0"u8.ToArray())])
                    : InferTensor.FromBytes(input.Name, input.ProtocolType!.Value, shape, new byte[count * input.ProtocolType.Value.ElementSize()]);
            }).ToArray();
            var request = model.Tensors.Validate(model.Name, inputs, null);
            model.Tensors.RunBatch([request]);
        }
        catch (InferenceException)
        {
            // Inputs that cannot be made from the metadata alone; a failed run is reported in its result and ignored here.
        }
    }

    private static IReadOnlyList<string> LoadLabels(ModelConfiguration configuration, string modelDirectory, string versionDirectory)
    {
        if (configuration.Labels is { Count: > 0 } labels)
        {
            return labels;
        }

        if (configuration.LabelsFile is not null)
        {
            var path = FindFile(configuration.LabelsFile, versionDirectory, modelDirectory)
                ?? throw new ArgumentException($"labelsFile '{configuration.LabelsFile}' was not found.");
            return [.. File.ReadAllLines(path).Where(line => line.Length > 0).Select(CleanLabel)];
        }

        // A Hugging Face export keeps its labels in config.json.
        var huggingFaceConfig = FindFile("config.json", versionDirectory, modelDirectory);
        if (huggingFaceConfig is not null)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(huggingFaceConfig));
            if (document.RootElement.TryGetProperty("id2label", out var idToLabel))
            {
                return [.. idToLabel.EnumerateObject()
                    .Select(property => (Index: int.Parse(property.Name), Label: property.Value.GetString() ?? property.Name))
                    .OrderBy(entry => entry.Index)
                    .Select(entry => entry.Label)];
            }
        }
        return [];
    }

    /// <summary>"n01443537 goldfish, Carassius auratus" becomes "goldfish"; other lines are kept as they are.</summary>
    public static string CleanLabel(string line)
    {
        var match = SynsetLine().Match(line);
        return match.Success ? match.Groups["name"].Value.Trim() : line.Trim();
    }

    private static string? FindFile(string relativePath, params string[] directories) =>
        directories.Select(dir => Path.Combine(dir, relativePath)).FirstOrDefault(File.Exists);

    /// <summary>Content hash and size of the file behind any symbolic link.</summary>
    private static (string Fingerprint, long Bytes) Fingerprint(string path)
    {
        using var stream = File.OpenRead(path);
        return (Convert.ToHexString(SHA256.HashData(stream))[..16].ToLowerInvariant(), stream.Length);
    }

    [GeneratedRegex(@"^n\d{8}\s+(?<name>[^,]+)")]
    private static partial Regex SynsetLine();
}
