using System.Text.Json;
using System.Text.Json.Serialization;
using Inference.Engine.Execution;
using Inference.Engine.Processing;

namespace Inference.Engine.Repository;

/// <summary>What a model does, which decides its pre- and post-processing.</summary>
public static class ModelTasks
{
    public const string TextClassification = "text-classification";
    public const string ImageClassification = "image-classification";

    /// <summary>An encoder whose hidden states become embeddings (Hugging Face's feature-extraction task).</summary>
    public const string FeatureExtraction = "feature-extraction";

    public static readonly string[] All = [TextClassification, ImageClassification, FeatureExtraction, Tensor];

    /// <summary>No pre- or post-processing: served as raw tensors over the Open Inference Protocol only.</summary>
    public const string Tensor = "tensor";
}

/// <summary>
/// <c>&lt;root&gt;/&lt;model&gt;/model.json</c>: the per-model settings beside Triton-like version folders
/// (<c>&lt;root&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx</c>).
/// </summary>
public sealed record ModelConfiguration
{
    public required string Task { get; init; }

    public string? Description { get; init; }

    /// <summary>Class labels by output index. When absent: <see cref="LabelsFile"/>, else a Hugging Face <c>config.json</c> <c>id2label</c>.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>One label per line (ImageNet <c>synset.txt</c> lines like <c>n01443537 goldfish, Carassius auratus</c> become <c>goldfish</c>).</summary>
    public string? LabelsFile { get; init; }

    /// <summary><c>logits</c> (softmax is applied, or sigmoid for multi-label) or <c>probabilities</c> (used as they are).</summary>
    public string OutputKind { get; init; } = "logits";

    /// <summary>
    /// Independent labels: sigmoid per label, and every label at or above <see cref="Threshold"/> applies. When absent,
    /// config.json's <c>problem_type</c> decides (<c>multi_label_classification</c>).
    /// </summary>
    public bool? MultiLabel { get; init; }

    /// <summary>The score from which a label of a multi-label model applies (default 0.5).</summary>
    public float? Threshold { get; init; }

    /// <summary>Embedding pooling of a feature-extraction model, <c>mean</c> or <c>cls</c>; else a sentence-transformers 1_Pooling/config.json, else mean.</summary>
    public string? Pooling { get; init; }

    /// <summary>Output tensor to read; when absent <c>logits</c> (classifiers) or <c>sentence_embedding</c> / <c>last_hidden_state</c> (encoders) if the model has it, else its first output.</summary>
    public string? Output { get; init; }

    /// <summary>Image input tensor; the model's first input when absent.</summary>
    public string? Input { get; init; }

    public TextSettings? Text { get; init; }

    public ImageSettings? Image { get; init; }

    /// <summary><c>auto|cuda|directml|cpu</c> for this model only; the server-wide setting when absent.</summary>
    public string? ExecutionProvider { get; init; }

    /// <summary>Dynamic batching for this model; the server-wide settings fill what is absent.</summary>
    public ModelBatchingSettings? Batching { get; init; }

    /// <summary>Response caching for this model; the server's settings fill what is absent.</summary>
    public ModelCacheSettings? Cache { get; init; }

    /// <summary>Which version folders to serve: <c>latest</c> (the newest <see cref="LatestCount"/>), <c>all</c>, or <c>specific</c> (<see cref="Versions"/>).</summary>
    public string VersionPolicy { get; init; } = "latest";

    public int LatestCount { get; init; } = 1;

    public IReadOnlyList<int>? Versions { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };
}

/// <summary>Per-model response caching: <c>{"cache": {"enabled": true, "ttlSeconds": 300}}</c>.</summary>
public sealed record ModelCacheSettings
{
    public bool? Enabled { get; init; }
    public int? TtlSeconds { get; init; }
}
