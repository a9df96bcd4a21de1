namespace Inference.Engine.Execution;

/// <summary>Server-wide dynamic batching settings (<c>Inference:Batching</c>); a model's <c>batching</c> block overrides them.</summary>
public sealed class BatchingOptions
{
    /// <summary>Coalesce concurrent requests into one model run. Off: every request runs alone on its own thread.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// One model run at a time across the whole process, as a single Python worker behaves. For comparisons
    /// (the benchmark's baseline), not for production.
    /// </summary>
    public bool GlobalLock { get; set; }

    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long a batch that formed under load may wait for more requests. An idle runner never waits: a
    /// lone request is dispatched at once.
    /// </summary>
    public double MaxQueueDelayMs { get; set; } = 1;

    /// <summary>Requests waiting per model version before new ones are refused with 503 and Retry-After.</summary>
    public int MaxQueueSize { get; set; } = 1024;

    /// <summary>
    /// The longest an online request should wait for its batch to start. A request whose estimated wait (observed batch
    /// run times and the queue ahead of it) is over the budget is refused at once with 503 and Retry-After, before any
    /// work is done for it. 0 turns the budget off (only <see cref="MaxQueueSize"/> bounds the queue).
    /// </summary>
    public double QueueTimeBudgetMs { get; set; } = 1000;

    /// <summary>Per-model overrides by model name (<c>Inference:Batching:Models:{name}</c>); they win over the model's model.json.</summary>
    public Dictionary<string, ModelBatchingSettings> Models { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The settings one model version runs with, after overrides and the model's own batch limit.</summary>
public sealed record BatchingPlan(bool Enabled, int MaxBatchSize, TimeSpan MaxQueueDelay, int MaxQueueSize)
{
    /// <summary>The longest an online request may be expected to wait for its batch before it is refused; zero: no budget.</summary>
    public TimeSpan QueueTimeBudget { get; init; }

    /// <summary>
    /// The plan of model <paramref name="modelName"/>: the server's <c>Models</c> entry for it, else its
    /// <paramref name="model"/> settings (model.json), else the server-wide settings.
    /// </summary>
    public static BatchingPlan For(BatchingOptions server, string modelName, ModelBatchingSettings? model, long fixedBatchDimension) =>
        Resolve(server, server.Models.GetValueOrDefault(modelName) is { } configured ? configured.Over(model) : model, fixedBatchDimension);

    private static BatchingPlan Resolve(BatchingOptions server, ModelBatchingSettings? model, long fixedBatchDimension)
    {
        var maxBatch = model?.MaxBatchSize ?? server.MaxBatchSize;
        if (fixedBatchDimension > 0)
        {
            // A model exported with a fixed batch dimension takes exactly that many rows: run it unbatched.
            maxBatch = 1;
        }
        return new BatchingPlan(
            (model?.Enabled ?? server.Enabled) && maxBatch > 1,
            Math.Max(1, maxBatch),
            TimeSpan.FromMilliseconds(Math.Max(0, model?.MaxQueueDelayMs ?? server.MaxQueueDelayMs)),
            Math.Max(1, model?.MaxQueueSize ?? server.MaxQueueSize))
        {
            QueueTimeBudget = TimeSpan.FromMilliseconds(Math.Max(0, model?.QueueTimeBudgetMs ?? server.QueueTimeBudgetMs)),
        };
    }
}
