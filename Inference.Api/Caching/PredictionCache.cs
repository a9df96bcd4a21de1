using System.Security.Cryptography;
using Inference.Api.Inference;
using Inference.Api.Models;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Inference.Api.Caching;

/// <summary>
/// Answers identical requests from the cache (in-process, then Redis). The key holds the model name, version
/// and file fingerprint, so a reloaded or replaced model never serves an old answer.
/// </summary>
public sealed class PredictionCache(HybridCache cache, IOptions<InferenceOptions> options)
{
    private readonly HybridCacheEntryOptions _entryOptions = new()
    {
        Expiration = options.Value.CacheDuration,
        LocalCacheExpiration = options.Value.CacheDuration,
    };

    public static string HashInput(ReadOnlySpan<byte> input) => Convert.ToHexString(SHA256.HashData(input)).ToLowerInvariant();

    /// <summary>Returns the cached answer, or computes and stores it; <c>Cached</c> says which.</summary>
    public async Task<(ClassificationResult Result, bool Cached)> GetOrPredictAsync(
        ModelVersion model, string inputKind, string inputHash, Func<CancellationToken, Task<ClassificationResult>> predict, CancellationToken cancellationToken)
    {
        var key = $"prediction:{model.Name}:{model.Version}:{model.Fingerprint}:{inputKind}:{inputHash}";
        var computed = false;
        var result = await cache.GetOrCreateAsync(
            key,
            predict,
            async (state, token) =>
            {
                computed = true;
                return await state(token);
            },
            _entryOptions,
            cancellationToken: cancellationToken);
        return (result, !computed);
    }
}
