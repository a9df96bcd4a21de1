using Inference.Engine.Processing.Tokenization;

namespace Inference.Engine.Repository;

/// <summary>
/// The configuration of a drop-in Hugging Face folder (an Optimum export, no model.json): the task from config.json's
/// <c>architectures</c>, multi-label from its <c>problem_type</c>. Labels, tokenizer and lengths are read per version.
/// </summary>
public static class HuggingFaceModelConfiguration
{
    /// <summary>Reads the newest version folder's config.json; the message of a failure names the missing or wrong file.</summary>
    public static ModelConfiguration Infer(string modelDirectory)
    {
        var newest = Directory.EnumerateDirectories(modelDirectory)
            .Select(directory => (Directory: directory, Ok: int.TryParse(Path.GetFileName(directory), out var version) && version > 0, Version: version))
            .Where(entry => entry.Ok)
            .OrderByDescending(entry => entry.Version)
            .FirstOrDefault();
        if (newest.Directory is null)
        {
            throw new ArgumentException($"neither {ModelLoader.ConfigurationFileName} nor a version folder (e.g. 1/{ModelLoader.ModelFileName} with config.json) was found.");
        }
        var versionName = Path.GetFileName(newest.Directory);
        if (!File.Exists(Path.Combine(newest.Directory, ModelLoader.ModelFileName)))
        {
            throw new ArgumentException($"{versionName}/{ModelLoader.ModelFileName} is missing.");
        }

        var folder = new HuggingFaceFolder(newest.Directory, modelDirectory);
        if (!folder.HasConfig)
        {
            throw new ArgumentException(
                $"there is no {ModelLoader.ConfigurationFileName}, and {versionName}/ has no {HuggingFaceFolder.ConfigFile} to tell the task from (a Hugging Face export has one).");
        }
        var architecture = folder.Config["architectures"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } architectures
            ? architectures[0]?.GetValue<string>() ?? ""
            : "";
        var task = TaskOf(architecture, folder)
            ?? throw new ArgumentException(
                $"{versionName}/{HuggingFaceFolder.ConfigFile} names architecture '{architecture}', which is no task this server serves "
                + "(…ForSequenceClassification for text classification and NLI, an encoder such as BertModel for embeddings); add a model.json.");
        return new ModelConfiguration
        {
            Task = task,
            Description = $"{architecture} ({folder.ModelType}), a Hugging Face export",
        };
    }

    private static string? TaskOf(string architecture, HuggingFaceFolder folder) => architecture switch
    {
        _ when architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal) => ModelTasks.TextClassification,
        _ when architecture.EndsWith("Model", StringComparison.Ordinal) || architecture.EndsWith("ForFeatureExtraction", StringComparison.Ordinal)
            => ModelTasks.FeatureExtraction,
        // A sentence-transformers export may leave architectures out; its pooling file says what it is.
        "" when folder.Find(Path.Combine("1_Pooling", HuggingFaceFolder.ConfigFile)) is not null => ModelTasks.FeatureExtraction,
        _ => null,
    };
}
