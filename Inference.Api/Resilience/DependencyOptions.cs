namespace Inference.Api.Resilience;

/// <summary>
/// Deadlines on Redis and Postgres (<c>Inference:Dependencies</c>): how long a request may wait for each, and how
/// often the background probe checks them. A dependency that misses its deadline costs a request at most that long;
/// once the probe or repeated failures mark it down, requests skip it without waiting at all.
/// </summary>
public sealed class DependencyOptions
{
    public const string SectionName = "Inference:Dependencies";

    /// <summary>A cache read that takes longer counts as a miss.</summary>
    public TimeSpan CacheReadTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A rate-limit decision in Redis that takes longer is decided in process instead.</summary>
    public TimeSpan RateLimitTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The deadline of every Postgres call a request waits for (admin, analytics, keys, jobs); past it the answer is 503.</summary>
    public TimeSpan DatabaseDeadline { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The deadline of Postgres calls no request waits for (job consumers, queue restores): loose, so that a loaded
    /// machine never trips it; a frozen database still fails them, and they retry.
    /// </summary>
    public TimeSpan BackgroundDatabaseDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the background probe checks each dependency (and closes its circuit when it answers again).</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A probe that takes longer marks its dependency down.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>StackExchange.Redis <c>ConnectTimeout</c>.</summary>
    public TimeSpan RedisConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>StackExchange.Redis <c>SyncTimeout</c> and <c>AsyncTimeout</c>: the longest any Redis command may wait.</summary>
    public TimeSpan RedisCommandTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Npgsql <c>Timeout</c>: the longest opening a connection may take.</summary>
    public TimeSpan DatabaseConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Npgsql <c>CommandTimeout</c>, for background work (migrations, retention, log writes) that has no request deadline.</summary>
    public TimeSpan DatabaseCommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Npgsql <c>KeepAlive</c>: idle pooled connections to a vanished server are noticed within this.</summary>
    public TimeSpan DatabaseKeepAlive { get; set; } = TimeSpan.FromSeconds(5);
}
