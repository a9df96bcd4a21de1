namespace Inference.Engine.Execution;

/// <summary>Which work a model run serves first.</summary>
public enum InferencePriority
{
    /// <summary>A caller is waiting on the answer (HTTP and gRPC requests).</summary>
    Online,

    /// <summary>
    /// Batch-job items: they run only in batch slots that online requests leave free, so a running job never
    /// makes an online request wait for a queue, only (at most) for one batch already running.
    /// </summary>
    Background,
}
