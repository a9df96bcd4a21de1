namespace Inference.Engine.Execution;

/// <summary>What the telemetry gauges read from a loaded model version.</summary>
public interface IMeasuredModel
{
    string Name { get; }

    int Version { get; }

    /// <summary>Requests waiting for a batch.</summary>
    int QueueDepth { get; }

    /// <summary>Resident memory the version added when it loaded.</summary>
    long MemoryBytes { get; }

    ExecutionProviderChoice Provider { get; }

    /// <summary>The batching settings it runs with; the queue delay is its queue-time budget.</summary>
    BatchingPlan Batching { get; }

    /// <summary>Cumulative request, queue and compute figures (Triton's statistics).</summary>
    ModelStatistics Statistics { get; }
}
