namespace Inference.Engine.Execution;

/// <summary>Per-model overrides of the server's batching settings.</summary>
public sealed record ModelBatchingSettings
{
    public bool? Enabled { get; init; }

    public int? MaxBatchSize { get; init; }

    public double? MaxQueueDelayMs { get; init; }

    public int? MaxQueueSize { get; init; }

    /// <summary>The model's queue-time budget in milliseconds (0: none); see <see cref="BatchingOptions.QueueTimeBudgetMs"/>.</summary>
    public double? QueueTimeBudgetMs { get; init; }

    /// <summary>These settings, with <paramref name="fallback"/>'s filling what they leave absent.</summary>
    public ModelBatchingSettings Over(ModelBatchingSettings? fallback) => new()
    {
        Enabled = Enabled ?? fallback?.Enabled,
        MaxBatchSize = MaxBatchSize ?? fallback?.MaxBatchSize,
        MaxQueueDelayMs = MaxQueueDelayMs ?? fallback?.MaxQueueDelayMs,
        MaxQueueSize = MaxQueueSize ?? fallback?.MaxQueueSize,
        QueueTimeBudgetMs = QueueTimeBudgetMs ?? fallback?.QueueTimeBudgetMs,
    };
}
