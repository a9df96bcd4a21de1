namespace Inference.Api.Jobs;

/// <summary>Settings under <c>Jobs:</c>: limits on submissions, how consumers read the stream, retries and retention.</summary>
public sealed class BatchJobOptions
{
    public const string SectionName = "Jobs";

    /// <summary>The Redis Stream that holds items waiting to run.</summary>
    public string StreamKey { get; set; } = "inference:jobs:items";

    /// <summary>The consumer group every API replica reads the stream through.</summary>
    public string ConsumerGroup { get; set; } = "inference-api";

    /// <summary>Run a consumer in this process. Off: the replica accepts and reports jobs but runs no items.</summary>
    public bool ConsumerEnabled { get; set; } = true;

    public int MaxItems { get; set; } = 10_000;

    /// <summary>Largest submission body (JSON or file upload).</summary>
    public long MaxRequestBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Items allowed to wait in the stream; a submission that would pass it is refused with 503 and Retry-After.</summary>
    public long MaxQueuedItems { get; set; } = 1_000_000;

    /// <summary>Items a consumer takes from the stream at once (a micro-batch).</summary>
    public int ReadBatchSize { get; set; } = 128;

    /// <summary>Micro-batches one consumer runs at the same time; bounds the background work one process queues.</summary>
    public int ConcurrentBatches { get; set; } = 2;

    /// <summary>
    /// While online requests are arriving (any in the last <see cref="OnlineTrafficWindow"/>), a consumer runs one
    /// burst of <see cref="BurstWhileOnline"/> items at a time and then rests this many times as long as it ran: the
    /// batcher already runs online requests first, and this leaves them the CPU the job's other work (tokenizing,
    /// Redis, Postgres) would take. 0 turns yielding off; 3 gives a job at most a quarter of one worker meanwhile.
    /// </summary>
    public double RestWhileOnline { get; set; } = 3;

    /// <summary>Items per burst while yielding: small, so an online request never meets more than a short one.</summary>
    public int BurstWhileOnline { get; set; } = 16;

    public TimeSpan OnlineTrafficWindow { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an idle consumer waits before reading the stream again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long an item may sit unacknowledged with a consumer before another one takes it over (XAUTOCLAIM).
    /// Live consumers refresh their items well within it, so only a dead consumer's items go idle this long.
    /// </summary>
    public TimeSpan ReclaimAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries after which an item that keeps failing (or keeps killing its consumer) is stored as failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Delete each stream entry once its result is stored, so the stream holds outstanding work only. Off: processed
    /// entries stay for <see cref="ProcessedEntryRetention"/> and are then trimmed (never an unprocessed one).
    /// </summary>
    public bool DeleteProcessedEntries { get; set; } = true;

    public TimeSpan ProcessedEntryRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long finished jobs and their results are kept.</summary>
    public TimeSpan FinishedJobRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often retention and stream trimming run.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    public int DefaultPageSize { get; set; } = 100;

    public int MaxPageSize { get; set; } = 1000;
}
