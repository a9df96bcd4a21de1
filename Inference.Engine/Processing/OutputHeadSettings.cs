using System.Text.Json.Nodes;
using Inference.Engine.Processing.Tokenization;
using Inference.Engine.Repository;

namespace Inference.Engine.Processing;

/// <summary>Embedding pooling over an encoder's token states.</summary>
public static class EmbeddingPooling
{
    /// <summary>The average of the token states the attention mask covers.</summary>
    public const string Mean = "mean";

    /// <summary>The first token's state ([CLS] / &lt;s&gt;).</summary>
    public const string Cls = "cls";
}

/// <summary>How a version's output becomes an answer: multi-label or not, its threshold, and the default embedding pooling.</summary>
public sealed record OutputHeadSettings(bool MultiLabel, float Threshold, string Pooling)
{
    public const float DefaultThreshold = 0.5f;

    /// <summary>model.json first, then config.json's <c>problem_type</c> and sentence-transformers' <c>1_Pooling/config.json</c>.</summary>
    public static OutputHeadSettings Read(ModelConfiguration configuration, HuggingFaceFolder folder)
    {
        var multiLabel = configuration.MultiLabel
            ?? HuggingFaceFolder.String(folder.Config, "problem_type") == "multi_label_classification";
        return new OutputHeadSettings(multiLabel, configuration.Threshold ?? DefaultThreshold, configuration.Pooling ?? PoolingOf(folder));
    }

    private static string PoolingOf(HuggingFaceFolder folder)
    {
        if (folder.Find(Path.Combine("1_Pooling", HuggingFaceFolder.ConfigFile)) is not { } path)
        {
            return EmbeddingPooling.Mean;
        }
        var pooling = HuggingFaceFolder.ParseObject(path);
        bool Flag(string key) => pooling[key] is JsonValue value && value.TryGetValue<bool>(out var on) && on;
        return Flag("pooling_mode_cls_token") ? EmbeddingPooling.Cls
            : Flag("pooling_mode_mean_tokens") ? EmbeddingPooling.Mean
            : throw new ArgumentException("1_Pooling/config.json asks for a pooling other than mean or cls tokens, which is not supported.");
    }
}
