using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Jobs;

/// <summary>One stream entry as a consumer received it; <see cref="Attempt"/> counts its deliveries, this one included.</summary>
public sealed record JobDelivery(RedisValue EntryId, Guid JobId, int ItemIndex, string? Text, byte[]? Image, int Attempt)
{
    /// <summary>An entry that names no job or item (written by something else); it is acknowledged and dropped.</summary>
    public bool IsMalformed => JobId == Guid.Empty || ItemIndex < 0;
}

/// <summary>
/// The Redis Stream of job items and its consumer group: every item is one entry (<c>job</c>, <c>index</c>, and
/// <c>text</c> or <c>image</c>), read by consumers in every API replica, acknowledged once its result is stored.
/// </summary>
public sealed class JobStream(IConnectionMultiplexer redis, IOptions<BatchJobOptions> options, ILogger<JobStream> logger)
{
    private const string JobField = "job";
    private const string IndexField = "index";
    private const string TextField = "text";
    private const string ImageField = "image";
    private const int AddChunk = 1000;

    private readonly BatchJobOptions _options = options.Value;
    private readonly RedisKey _key = options.Value.StreamKey;
    private readonly RedisValue _group = options.Value.ConsumerGroup;

    private IDatabase Database => redis.GetDatabase();

    /// <summary>Creates the stream and the consumer group if they do not exist yet.</summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            // "0": a group created after items were added still sees them.
            await Database.StreamCreateConsumerGroupAsync(_key, _group, "0", createStream: true);
            logger.LogInformation("Created consumer group {Group} on stream {Stream}", _options.ConsumerGroup, _options.StreamKey);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another replica (or an earlier start) created it.
        }
    }

    /// <summary>Entries in the stream: outstanding work, plus processed entries kept when they are not deleted.</summary>
    public Task<long> LengthAsync() => Database.StreamLengthAsync(_key);

    /// <summary>Items not settled yet: never delivered (the group's lag) plus delivered but not acknowledged.</summary>
    public async Task<long> BacklogAsync()
    {
        var group = (await Database.StreamGroupInfoAsync(_key)).FirstOrDefault(info => info.Name == _group);
        return (group.Lag ?? 0) + group.PendingMessageCount;
    }

    /// <summary>Adds one entry per item, pipelined in chunks.</summary>
    public async Task AddAsync(Guid jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken)
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
                adds.Add(batch.StreamAddAsync(_key, [new(JobField, job), new(IndexField, item.Index), payload]));
            }
            batch.Execute();
            await Task.WhenAll(adds);
        }
    }

    /// <summary>Entries never delivered to any consumer of the group (XREADGROUP &gt;).</summary>
    public async Task<JobDelivery[]> ReadNewAsync(string consumer, int count)
    {
        StreamEntry[] entries;
        try
        {
            entries = await Database.StreamReadGroupAsync(_key, _group, consumer, StreamPosition.NewMessages, count);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // The stream was deleted (e.g. Redis lost its data): recreate it and read again next time.
            logger.LogWarning("Consumer group {Group} is missing; recreating it", _options.ConsumerGroup);
            await EnsureGroupAsync();
            return [];
        }
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
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal)
                                                      || exception.Message.Contains("no such key", StringComparison.Ordinal))
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
            attempt);
    }
}
