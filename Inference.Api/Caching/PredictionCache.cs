using System.Diagnostics;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Inference.Engine;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Caching;

/// <summary>Whether an answer came from the cache (<c>X-Cache</c>).</summary>
public enum CacheOutcome
{
    Hit,
    Miss,
    /// <summary>The cache was not consulted: turned off for the server or the model, or refused by the request.</summary>
    Bypass,
}

/// <summary>
/// Answers identical requests from the cache (in-process, then Redis). The key holds the model name, version, file
/// fingerprint and a hash of its settings; every entry is also tagged with its model, and loading or unloading a model removes the tag, so
/// a reload (even of the same file, e.g. with new labels) never serves an answer computed before it.
/// </summary>
/// <remarks>
/// HybridCache runs one factory per key at a time in this process, so concurrent identical misses run the model once
/// per replica (replicas do not coordinate: N replicas may each run it once). HybridCache 10.x records a tag removal in
/// process and in Redis (<c>__MSFT_HCT__&lt;tag&gt;</c>), but a replica reads a tag's time from Redis only the first time
/// it checks that tag, so removals do not reliably reach replicas that are already running (there is no backplane).
/// That is enough here: the replica that reloads ignores older entries from memory and Redis alike; replicas that did
/// not reload keep answering with what their own loaded model computed. The Redis level is a
/// <see cref="BoundedDistributedCache"/>: a read slower than its deadline is a miss, writes never hold up the answer,
/// and while the connection is down or the Redis circuit is open the second level is skipped altogether. In embedded mode there is no Redis and the cache is in process only.
/// </remarks>
public sealed class PredictionCache(
    HybridCache cache,
    IOptions<InferenceOptions> inferenceOptions,
    IOptions<CacheOptions> cacheOptions,
    InferenceTelemetry telemetry,
    IConnectionMultiplexer? redis = null)
{
    private readonly ConcurrentDictionary<(bool? Enabled, int? TtlSeconds, bool Local), HybridCacheEntryOptions?> _entryOptions = new();
    private readonly ConditionalWeakTable<ModelVersion, string> _keyPrefixes = [];

    public static string HashInput(ReadOnlySpan<byte> input) => Convert.ToHexString(SHA256.HashData(input)).ToLowerInvariant();

    public static string TagFor(string model) => $"model:{model.ToLowerInvariant()}";

    /// <summary>Returns the cached answer, or computes (and stores) it; the outcome says which.</summary>
    public async Task<(TResult Result, CacheOutcome Outcome)> GetOrPredictAsync<TResult>(
        ModelVersion model,
        string inputKind,
        string inputHash,
        bool useCache,
        Func<CancellationToken, Task<TResult>> predict,
        CancellationToken cancellationToken)
    {
        var entryOptions = useCache ? EntryOptionsFor(model.Configuration) : null;
        if (entryOptions is null)
        {
            telemetry.RecordCacheLookup(model.Name, "bypass");
            return (await predict(cancellationToken), CacheOutcome.Bypass);
        }

        var started = Stopwatch.GetTimestamp();
        var key = $"{_keyPrefixes.GetValue(model, KeyPrefix)}{inputKind}:{inputHash}";
        var computed = false;
        var predicting = TimeSpan.Zero;
        // HybridCache runs the factory apart from the caller's execution context; its spans belong to the caller's trace.
        var caller = Activity.Current;
        var result = await cache.GetOrCreateAsync(
            key,
            predict,
            async (state, token) =>
            {
                computed = true;
                Activity.Current = caller;
                var predictionStarted = Stopwatch.GetTimestamp();
                try
                {
                    return await state(token);
                }
                finally
                {
                    predicting = Stopwatch.GetElapsedTime(predictionStarted);
                }
            },
            entryOptions,
            [TagFor(model.Name)],
            cancellationToken);
        var outcome = computed ? CacheOutcome.Miss : CacheOutcome.Hit;
        telemetry.RecordCacheLookup(model.Name, computed ? "miss" : "hit");
        // The cache's own time: its lookup and store, without the prediction it waited for.
        telemetry.RecordStage(model.Name, RequestStages.Cache, Stopwatch.GetElapsedTime(started) - predicting);
        return (result, outcome);
    }

    /// <summary>
    /// Model, version, ONNX file fingerprint and a hash of the settings and labels: replicas running different
    /// <c>model.json</c> files over the same ONNX file never share answers.
    /// </summary>
    private static string KeyPrefix(ModelVersion model)
    {
        var settings = JsonSerializer.SerializeToUtf8Bytes(new { model.Configuration, model.Labels }, ModelConfiguration.JsonOptions);
        return $"prediction:{model.Name}:{model.Version}:{model.Fingerprint}:{HashInput(settings)[..16]}:";
    }

    /// <summary>Forgets every answer of a model; called when it is loaded, reloaded or unloaded.</summary>
    public ValueTask InvalidateModelAsync(string model, CancellationToken cancellationToken = default) =>
        cache.RemoveByTagAsync(TagFor(model), cancellationToken);

    /// <summary>Null when caching is off for the server or the model; per model, with or without Redis.</summary>
    private HybridCacheEntryOptions? EntryOptionsFor(ModelConfiguration configuration)
    {
        if (!cacheOptions.Value.Enabled)
        {
            return null;
        }

        // A disconnected multiplexer would queue each command until its timeout: skip Redis until it is back.
        var localOnly = redis is not { IsConnected: true };
        return _entryOptions.GetOrAdd((configuration.Cache?.Enabled, configuration.Cache?.TtlSeconds, localOnly), static (key, defaultDuration) =>
        {
            if (key.Enabled == false || key.TtlSeconds is <= 0)
            {
                return null;
            }

            var duration = key.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaultDuration;
            return new HybridCacheEntryOptions
            {
                Expiration = duration,
                LocalCacheExpiration = duration,
                Flags = key.Local ? HybridCacheEntryFlags.DisableDistributedCache : HybridCacheEntryFlags.None,
            };
        }, inferenceOptions.Value.CacheDuration);
    }
}
