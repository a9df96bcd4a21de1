namespace Inference.Engine.Execution;

/// <summary>Per-model overrides of the server's batching settings.</summary>
public sealed record ModelBatchingSettings
{
    public bool? Enabled { get; init; }

    public int? MaxBatchSize { get; init; }

    public double? MaxQueueDelayMs { get; init; }

    public int? MaxQueueSize { get; init; }
}
