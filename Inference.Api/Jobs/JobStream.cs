using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Jobs;

/// <summary>
/// One stream entry as a consumer received it; <see cref="Attempt"/> counts its deliveries, this one included.
/// <see cref="Restored"/>: re-added from Postgres after the queue lost its data, so its result may already be stored.
/// </summary>
public sealed record JobDelivery(RedisValue EntryId, Guid JobId, int ItemIndex, string? Text, byte[]? Image, int Attempt, bool Restored = false)
{
    /// <summary>An entry that names no job or item (written by something else); it is acknowledged and dropped.</summary>
    public bool IsMalformed => JobId == Guid.Empty || ItemIndex < 0;
}

/// <summary>
/// The Redis Stream of job items and its consumer group: every item is one entry (<c>job</c>, <c>index</c>, and
/// <c>text</c> or <c>image</c>), read by consumers in every API replica, acknowledged once its result is stored.
/// </summary>
public sealed class JobStream(IConnectionMultiplexer redis, IOptions<BatchJobOptions> options, ILogger<JobStream> logger) : IJobQueue
{
    private const string JobField = "job";
    private const string IndexField = "index";
    private const string TextField = "text";
    private const string ImageField = "image";
    private const string RestoredField = "restored";
    private const int AddChunk = 1000;

    private readonly BatchJobOptions _options = options.Value;
    private readonly RedisKey _key = options.Value.StreamKey;
    private readonly RedisValue _group = options.Value.ConsumerGroup;
    // Set in the same step that creates the group, deleted once the restore finished: a process that stops halfway
    // leaves it for the next one.
    private readonly RedisKey _restoreKey = options.Value.StreamKey + ":restore-pending";

    // Creates the group (and the stream) and, only if it did, records when: a queue without its group lost its data
    // (or never had any), and the items accepted before that moment are owed back to it.
    private const string CreateGroupScript = """
        local created = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
        if type(created) == 'table' and created.err then
            if string.sub(created.err, 1, 9) == 'BUSYGROUP' then return 0 end
            return redis.error_reply(created.err)
        end
        redis.call('SET', KEYS[2], ARGV[2])
        return 1
        """;

    private const string ClearRestoreScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private IDatabase Database => redis.GetDatabase();

    /// <summary>
    /// Creates the stream and the consumer group if they do not exist yet; true when this call created the group, which
    /// also marks the queue as owed a restore (<see cref="PendingRestoreAsync"/>).
    /// </summary>
    public async Task<bool> EnsureGroupAsync()
    {
        // "0": a group created after items were added still sees them.
        var created = (long)await Database.ScriptEvaluateAsync(CreateGroupScript, [_key, _restoreKey],
            [_group, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]) == 1;
        if (created)
        {
            logger.LogInformation("Created consumer group {Group} on stream {Stream}", _options.ConsumerGroup, _options.StreamKey);
        }
        return created;
    }

    /// <summary>When the group was last created, if the restore owed since then has not finished yet.</summary>
    public async Task<DateTimeOffset?> PendingRestoreAsync()
    {
        var since = await Database.StringGetAsync(_restoreKey);
        return since.TryParse(out long milliseconds) ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
    }

    /// <summary>Marks the restore owed since <paramref name="since"/> as done, unless the queue was lost again meanwhile.</summary>
    public Task FinishRestoreAsync(DateTimeOffset since) =>
        Database.ScriptEvaluateAsync(ClearRestoreScript, [_restoreKey], [since.ToUnixTimeMilliseconds()]);

    /// <summary>The group (or the whole stream) is gone: Redis lost its data or the key was deleted.</summary>
    public static bool IsMissingGroup(Exception exception) =>
        exception is RedisServerException && exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal);

    /// <summary>Entries in the stream: outstanding work, plus processed entries kept when they are not deleted.</summary>
    public Task<long> LengthAsync() => Database.StreamLengthAsync(_key);

    /// <summary>Items not settled yet: never delivered (the group's lag) plus delivered but not acknowledged.</summary>
    public async Task<long> BacklogAsync()
    {
        var group = (await Database.StreamGroupInfoAsync(_key)).FirstOrDefault(info => info.Name == _group);
        return (group.Lag ?? 0) + group.PendingMessageCount;
    }

    /// <summary>Adds one entry per item, pipelined in chunks; <paramref name="restored"/> marks items re-added from Postgres.</summary>
    public Task AddAsync(Guid jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken) =>
        AddAsync(jobId, items, cancellationToken, restored: false);

    public async Task AddAsync(Guid jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken, bool restored)
    {
        var job = jobId.ToString("N");
        for (var start = 0; start < items.Count; start += AddChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = Database.CreateBatch();
            var adds = new List<Task>(AddChunk);
            foreach (var item in items.Skip(start).Take(AddChunk))
            {
                NameValueEntry payload = item.Text is not null ? new(TextField, item.Text) : new(ImageField, item.Image);
                NameValueEntry[] fields = restored
                    ? [new(JobField, job), new(IndexField, item.Index), payload, new(RestoredField, 1)]
                    : [new(JobField, job), new(IndexField, item.Index), payload];
                adds.Add(batch.StreamAddAsync(_key, fields));
            }
            batch.Execute();
            await Task.WhenAll(adds);
        }
    }

    /// <summary>
    /// Entries never delivered to any consumer of the group (XREADGROUP &gt;). A missing group fails with a
    /// <see cref="RedisServerException"/> that <see cref="IsMissingGroup"/> recognizes.
    /// </summary>
    public async Task<JobDelivery[]> ReadNewAsync(string consumer, int count)
    {
        var entries = await Database.StreamReadGroupAsync(_key, _group, consumer, StreamPosition.NewMessages, count);
        return [.. entries.Select(entry => Parse(entry, attempt: 1))];
    }

    /// <summary>
    /// Takes over entries idle longer than <see cref="BatchJobOptions.ReclaimAfter"/> (their consumer died or gave them
    /// back), scanning the pending list from <paramref name="cursor"/> (XAUTOCLAIM). Returns them with their delivery
    /// counts, the cursor to continue from (<c>0-0</c> once the scan wrapped) and how many had vanished from the stream.
    /// </summary>
    public async Task<(JobDelivery[] Claimed, RedisValue NextCursor, int Vanished)> ReclaimAsync(string consumer, RedisValue cursor, int count)
    {
        var claim = await Database.StreamAutoClaimAsync(_key, _group, consumer, (long)_options.ReclaimAfter.TotalMilliseconds, cursor, count);
        var claimed = claim.ClaimedEntries.Where(entry => !entry.IsNull).ToArray();
        if (claimed.Length == 0)
        {
            return ([], claim.NextStartId, claim.DeletedIds.Length);
        }

        // XAUTOCLAIM does not report delivery counts; XPENDING over the claimed range (now all ours) does.
        var pending = await Database.StreamPendingMessagesAsync(_key, _group, claimed.Length * 2 + 16, consumer, claimed[0].Id, claimed[^1].Id);
        var deliveries = pending.ToDictionary(info => info.MessageId, info => info.DeliveryCount);
        return ([.. claimed.Select(entry => Parse(entry, deliveries.GetValueOrDefault(entry.Id, 2)))],
            claim.NextStartId, claim.DeletedIds.Length);
    }

    /// <summary>Resets the idle time of entries a live consumer is still working on, without counting a delivery (XCLAIM JUSTID).</summary>
    public Task KeepClaimedAsync(string consumer, RedisValue[] entryIds) =>
        entryIds.Length == 0 ? Task.CompletedTask : Database.StreamClaimIdsOnlyAsync(_key, _group, consumer, 0, entryIds);

    /// <summary>Acknowledges entries whose item is settled and, unless configured to keep them, deletes them in the same transaction.</summary>
    public async Task SettleAsync(IReadOnlyCollection<RedisValue> entryIds)
    {
        if (entryIds.Count == 0)
        {
            return;
        }
        RedisValue[] ids = [.. entryIds];
        if (!_options.DeleteProcessedEntries)
        {
            await Database.StreamAcknowledgeAsync(_key, _group, ids);
            return;
        }
        var transaction = Database.CreateTransaction();
        var acknowledged = transaction.StreamAcknowledgeAsync(_key, _group, ids);
        var deleted = transaction.StreamDeleteAsync(_key, ids);
        await transaction.ExecuteAsync();
        await Task.WhenAll(acknowledged, deleted);
    }

    /// <summary>
    /// Trims processed entries older than <paramref name="olderThan"/> (when they are kept): never past the oldest
    /// pending entry or the last one delivered, so no unprocessed item is lost.
    /// </summary>
    public async Task<long> TrimProcessedAsync(TimeSpan olderThan)
    {
        if (!await Database.KeyExistsAsync(_key))
        {
            return 0;
        }
        var groups = await Database.StreamGroupInfoAsync(_key);
        var group = groups.FirstOrDefault(info => info.Name == _options.ConsumerGroup);
        if (group.Name is null || group.LastDeliveredId is null)
        {
            return 0;
        }
        var pending = await Database.StreamPendingAsync(_key, _group);
        var limit = Math.Min(EntryTime(group.LastDeliveredId), pending.PendingMessageCount > 0 ? EntryTime(pending.LowestPendingMessageId.ToString()) : long.MaxValue);
        var cutoff = Math.Min(limit, DateTimeOffset.UtcNow.Add(-olderThan).ToUnixTimeMilliseconds());
        return cutoff <= 0 ? 0 : await Database.StreamTrimByMinIdAsync(_key, $"{cutoff}-0");
    }

    /// <summary>Forgets consumers of processes long gone: idle for <paramref name="idleFor"/> and holding no entries.</summary>
    public async Task<int> RemoveIdleConsumersAsync(TimeSpan idleFor)
    {
        var removed = 0;
        StreamConsumerInfo[] consumers;
        try
        {
            consumers = await Database.StreamConsumerInfoAsync(_key, _group);
        }
        catch (RedisServerException exception) when (IsMissingGroup(exception) || exception.Message.Contains("no such key", StringComparison.Ordinal))
        {
            return 0; // No consumer has started yet.
        }
        foreach (var consumer in consumers)
        {
            if (consumer.PendingMessageCount == 0 && consumer.IdleTimeInMilliseconds > idleFor.TotalMilliseconds)
            {
                await Database.StreamDeleteConsumerAsync(_key, _group, consumer.Name);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>The millisecond timestamp an entry id starts with (<c>1700000000000-0</c>).</summary>
    private static long EntryTime(string entryId)
    {
        var dash = entryId.IndexOf('-');
        return long.Parse(dash < 0 ? entryId : entryId[..dash], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static JobDelivery Parse(StreamEntry entry, int attempt)
    {
        var job = entry[JobField];
        var index = entry[IndexField];
        var text = entry[TextField];
        var image = entry[ImageField];
        return new JobDelivery(
            entry.Id,
            Guid.TryParseExact(job.ToString(), "N", out var jobId) ? jobId : Guid.Empty,
            index.TryParse(out int itemIndex) ? itemIndex : -1,
            text.IsNull ? null : text.ToString(),
            image.IsNull ? null : (byte[]?)image,
            attempt,
            !entry[RestoredField].IsNull);
    }
}
