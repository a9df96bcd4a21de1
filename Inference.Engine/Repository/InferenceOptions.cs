using Inference.Engine.Execution;
namespace Inference.Engine.Repository;

/// <summary>Settings under <c>Inference:</c>.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Model repositories (<c>&lt;root&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx</c>); the first root wins on a name clash.</summary>
    public List<string> ModelRoots { get; set; } = [];

    /// <summary><c>auto|cuda|directml|cpu</c>.</summary>
    public string ExecutionProvider { get; set; } = ExecutionProviders.Auto;

    /// <summary>Threads one model run may use; 0 means one per core.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin-wait between parallel sections instead of sleeping. Without spinning,
    /// every parallel operator of a run pays a thread wake-up; with it, the threads keep the cores busy for a while after
    /// each section and after each run, taking them from HTTP handling, tokenization and the next batch's assembly.
    /// Off by default: on two shared cores a bare batch-1 DistilBERT run took 12.2 ms with spinning against 13.3 ms
    /// without, but the whole API (Kestrel, Redis, Postgres and the spinning pool on the same cores) answered one
    /// request at a time in 56–69 ms p50 with it against 26–28 ms without, and served 43/s against 60–119/s at concurrency 32.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary><c>disabled|basic|extended|all</c>: ONNX Runtime's graph optimization level.</summary>
    public string GraphOptimizationLevel { get; set; } = "all";

    /// <summary>Where optimized graphs are kept between starts (off when empty). Hardware-specific: keep it local.</summary>
    public string? OptimizedModelCacheDirectory { get; set; }

    public BatchingOptions Batching { get; set; } = new();

    public string DefaultTextModel { get; set; } = "sentiment";

    public string DefaultImageModel { get; set; } = "digits";

    public long MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The largest upload of a new model version, all its files together.</summary>
    public long MaxModelUploadBytes { get; set; } = 1024L * 1024 * 1024;

    public long MaxImagePixels { get; set; } = 40_000_000;

    public int MaxTextCharacters { get; set; } = 20_000;

    /// <summary>Most candidate labels one zero-shot request may name (each is one model run).</summary>
    public int MaxCandidateLabels { get; set; } = 100;

    /// <summary>Most texts one embedding request may carry.</summary>
    public int MaxEmbeddingTexts { get; set; } = 128;

    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(10);
}
