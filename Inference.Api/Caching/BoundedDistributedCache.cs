using System.Buffers;
using System.Diagnostics.Metrics;
using Inference.Api.Resilience;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Inference.Api.Caching;

/// <summary>
/// The cache's Redis level with deadlines: a read that misses <see cref="DependencyOptions.CacheReadTimeout"/>, fails,
/// or finds the Redis circuit open is a miss; writes and removals run in the background (at most
/// <see cref="MaxPendingWrites"/> at once, further ones dropped and counted), so a response never waits on Redis.
/// </summary>
public sealed class BoundedDistributedCache : IBufferDistributedCache, IDisposable
{
    public const int MaxPendingWrites = 64;

    private readonly IDistributedCache _redis;
    private readonly DependencyCircuit _circuit;
    private readonly TimeSpan _readTimeout;
    private readonly SemaphoreSlim _writeSlots = new(MaxPendingWrites, MaxPendingWrites);
    private readonly Meter _meter;
    private readonly Counter<long> _skipped;

    public BoundedDistributedCache(IDistributedCache redis, DependencyCircuits circuits, IOptions<DependencyOptions> options, IMeterFactory meters)
    {
        _redis = redis;
        _circuit = circuits.Redis;
        _readTimeout = options.Value.CacheReadTimeout;
        _meter = meters.Create("Inference");
        _skipped = _meter.CreateCounter<long>("inference.cache.redis_skipped", "{operation}",
            "Redis cache reads counted as misses and writes dropped because Redis was slow, failing or marked down.");
    }

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default) => await ReadAsync(key, token);

    public bool TryGet(string key, IBufferWriter<byte> destination) => TryGetAsync(key, destination).AsTask().GetAwaiter().GetResult();

    /// <summary>Reads the whole value before writing it out, so a read abandoned at its deadline never writes into <paramref name="destination"/>.</summary>
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        if (await ReadAsync(key, token) is not { } value)
        {
            return false;
        }
        destination.Write(value);
        return true;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Write("set", token => _redis.SetAsync(key, value, options, token));

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) => Set(key, value.ToArray(), options);

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        // The sequence belongs to the caller once this returns: copy it before writing in the background.
        Set(key, value.ToArray(), options);
        return ValueTask.CompletedTask;
    }

    public void Refresh(string key) => Write("refresh", token => _redis.RefreshAsync(key, token));

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key) => Write("remove", token => _redis.RemoveAsync(key, token));

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    private async ValueTask<byte[]?> ReadAsync(string key, CancellationToken token)
    {
        if (!_circuit.IsAvailable)
        {
            Skip("get");
            return null;
        }
        try
        {
            return await _circuit.ExecuteAsync(readToken => _redis.GetAsync(key, readToken), _readTimeout, token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
        {
            Skip("get");
            return null;
        }
    }

    private void Write(string operation, Func<CancellationToken, Task> write)
    {
        if (!_circuit.IsAvailable || !_writeSlots.Wait(0))
        {
            Skip(operation);
            return;
        }
        _ = WriteInBackgroundAsync(operation, write);
    }

    private async Task WriteInBackgroundAsync(string operation, Func<CancellationToken, Task> write)
    {
        try
        {
            await Task.Yield();
            await write(CancellationToken.None);
        }
        catch (Exception)
        {
            // The entry stays in this process's memory level; Redis gets the next one.
            Skip(operation);
        }
        finally
        {
            _writeSlots.Release();
        }
    }

    private void Skip(string operation) => _skipped.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Dispose()
    {
        (_redis as IDisposable)?.Dispose();
        _writeSlots.Dispose();
        _meter.Dispose();
    }
}
