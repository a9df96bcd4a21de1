namespace Inference.Api.Data;

/// <summary>
/// A batch-job item waiting to run in embedded mode, where the job queue is a table instead of a Redis stream. The row
/// is deleted once the item's result is stored, so what is left after a restart is exactly the work still to do.
/// </summary>
public sealed class QueuedJobItem
{
    public long Id { get; set; }

    public Guid JobId { get; set; }

    public int ItemIndex { get; set; }

    public string? Text { get; set; }

    public byte[]? Image { get; set; }

    /// <summary>How many times a worker has taken the item, the current time included.</summary>
    public int Attempts { get; set; }

    /// <summary>When the item may be taken (again): a taken item is out of sight until its attempt would have timed out.</summary>
    public DateTimeOffset AvailableAt { get; set; }
}
