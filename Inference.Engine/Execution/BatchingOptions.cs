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
}

/// <summary>The settings one model version runs with, after overrides and the model's own batch limit.</summary>
public sealed record BatchingPlan(bool Enabled, int MaxBatchSize, TimeSpan MaxQueueDelay, int MaxQueueSize)
{
    public static BatchingPlan For(BatchingOptions server, ModelBatchingSettings? model, long fixedBatchDimension)
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
            Math.Max(1, model?.MaxQueueSize ?? server.MaxQueueSize));
    }
}
