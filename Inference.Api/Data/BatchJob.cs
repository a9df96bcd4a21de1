namespace Inference.Api.Data;

/// <summary>The states a batch job moves through; <see cref="IsFinished"/> ones never change again.</summary>
public static class BatchJobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    /// <summary>Every item failed, or the job could not be queued.</summary>
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinished(string state) => state is Completed or Failed or Cancelled;
}

/// <summary>
/// One batch job. Its counters change only in the statement that stores a result (see
/// <c>Jobs/BatchJobStore</c>), so they always agree with the job's result rows.
/// </summary>
public sealed class BatchJob
{
    public Guid Id { get; set; }

    public required string Model { get; set; }

    /// <summary>The id of the API key that submitted the job (<c>bootstrap</c> for the bootstrap key); null when anonymous.</summary>
    public string? OwnerKeyId { get; set; }

    /// <summary>That key's name when the job was submitted, so admins see who it belongs to.</summary>
    public string? OwnerKeyName { get; set; }

    /// <summary>Resolved when the job is accepted, so every item runs on the same version.</summary>
    public int ModelVersion { get; set; }

    /// <summary><c>text</c>, <c>image</c>, <c>zero-shot</c> or <c>embedding</c>.</summary>
    public required string ItemKind { get; set; }

    /// <summary>What every item shares, as JSON: a zero-shot job's candidate labels, an embedding job's pooling; null for classifiers.</summary>
    public string? Parameters { get; set; }

    /// <summary>How many ranked classes each image result keeps; null for texts (every class).</summary>
    public int? Top { get; set; }

    public required string State { get; set; }

    public int TotalItems { get; set; }

    /// <summary>Items with a stored result, failed ones included.</summary>
    public int ProcessedItems { get; set; }

    public int FailedItems { get; set; }

    /// <summary>Why the whole job failed (e.g. it could not be queued); item errors live on their results.</summary>
    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The queue (Redis stream key) its items were added to; restores re-add only the items of their own queue.</summary>
    public string? Queue { get; set; }

    /// <summary>When every item was in the stream; null while submitting (or if the submitting process died).</summary>
    public DateTimeOffset? EnqueuedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>
/// One accepted item as submitted, kept beside its job so that a queue that lost its data can be refilled with every
/// item not yet done: UTF-8 for a text item, the image's bytes for an image item (the job's kind says which).
/// </summary>
public sealed class BatchJobItem
{
    public Guid JobId { get; set; }

    public int ItemIndex { get; set; }

    public required byte[] Input { get; set; }
}

/// <summary>The outcome of one item of a job; (job, item index) is unique, which makes storing it idempotent.</summary>
public sealed class BatchJobResult
{
    public Guid JobId { get; set; }

    public int ItemIndex { get; set; }

    public bool Succeeded { get; set; }

    public string? Label { get; set; }

    public float? Score { get; set; }

    /// <summary>Ranked classes as JSON: <c>[{"label": "...", "score": 0.9}, ...]</c>.</summary>
    public string? Predictions { get; set; }

    /// <summary>An embedding job's vector for the item; null for other jobs.</summary>
    public float[]? Embedding { get; set; }

    public string? Error { get; set; }

    /// <summary>Deliveries of the item before it settled (1 unless a consumer died or a run failed).</summary>
    public int Attempts { get; set; }

    /// <summary>The start of a text item, so downloads can be read without the original input.</summary>
    public string? InputPreview { get; set; }

    public double? InferenceTimeMs { get; set; }

    /// <summary>The consumer (one per API process) that stored the result.</summary>
    public string? ProcessedBy { get; set; }

    public DateTimeOffset CompletedAt { get; set; }
}
