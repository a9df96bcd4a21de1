using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Inference.Api.Inference;

namespace Inference.Api.Models;

/// <summary>Reads a model folder (<c>model.json</c> + numbered version folders) into warmed <see cref="ModelVersion"/>s.</summary>
public sealed partial class ModelLoader(InferenceOptions options)
{
    public const string ConfigurationFileName = "model.json";
    public const string ModelFileName = "model.onnx";

    public static ModelConfiguration ReadConfiguration(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, ConfigurationFileName);
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
        if (configuration.Task is not (ModelTasks.TextClassification or ModelTasks.ImageClassification))
        {
            throw new ArgumentException($"task '{configuration.Task}' is not supported; use {ModelTasks.TextClassification} or {ModelTasks.ImageClassification}.");
        }
        if (configuration.OutputKind is not ("logits" or "probabilities"))
        {
            throw new ArgumentException($"outputKind '{configuration.OutputKind}' is not logits or probabilities.");
        }
        return configuration;
    }

    /// <summary>Numbered sub-folders holding a model.onnx, lowest first.</summary>
    public static IReadOnlyList<int> FindVersions(string modelDirectory) =>
        [.. Directory.EnumerateDirectories(modelDirectory)
            .Select(dir => (Dir: dir, Ok: int.TryParse(Path.GetFileName(dir), out var v) && v > 0, Version: v))
            .Where(entry => entry.Ok && File.Exists(Path.Combine(entry.Dir, ModelFileName)))
            .Select(entry => entry.Version)
            .Order()];

    /// <summary>Creates the session, the pre-processing and runs one warm-up inference.</summary>
    public ModelVersion Load(string name, string modelDirectory, ModelConfiguration configuration, int version)
    {
        var versionDirectory = Path.Combine(modelDirectory, version.ToString());
        var modelPath = Path.Combine(versionDirectory, ModelFileName);
        var settings = new SessionSettings(
            options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount,
            Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL);

        var (session, provider) = ExecutionProviders.CreateSession(modelPath, configuration.ExecutionProvider ?? options.ExecutionProvider, settings);
        try
        {
            var textEncoder = configuration.Task == ModelTasks.TextClassification
                ? CreateTextEncoder(configuration, modelDirectory, versionDirectory)
                : null;
            var imagePreprocessor = configuration.Task == ModelTasks.ImageClassification
                ? new ImagePreprocessor(configuration.Image ?? new ImageSettings(), options.MaxImagePixels)
                : null;
            var labels = LoadLabels(configuration, modelDirectory, versionDirectory);
            var (fingerprint, bytes) = Fingerprint(modelPath);
            var model = new ModelVersion(name, version, configuration, labels, session, provider,
                fingerprint, bytes, textEncoder, imagePreprocessor);
            WarmUp(model);
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static TextEncoder CreateTextEncoder(ModelConfiguration configuration, string modelDirectory, string versionDirectory)
    {
        var text = configuration.Text ?? new TextSettings();
        var vocabulary = FindFile(text.VocabFile, versionDirectory, modelDirectory)
            ?? throw new ArgumentException($"vocabulary '{text.VocabFile}' was found neither in {versionDirectory} nor in {modelDirectory}.");
        return new TextEncoder(vocabulary, text.Lowercase, text.MaxSequenceLength);
    }

    private static void WarmUp(ModelVersion model)
    {
        // The first run allocates and plans; doing it here keeps it off the first caller's latency.
        if (model.TextEncoder is not null)
        {
            model.RunText(model.TextEncoder.Encode("warm up"));
        }
        else if (model.ImagePreprocessor is not null)
        {
            model.RunImage(new float[model.ImagePreprocessor.SampleLength]);
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
