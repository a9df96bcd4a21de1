using System.Collections.Concurrent;
using Inference.Api.Data;
using Inference.Api.Resilience;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Inference.Api.Security;

/// <summary>A key's own rate limit: <paramref name="PermitLimit"/> requests per <paramref name="Window"/> on every route class.</summary>
public sealed record KeyRateLimit(int PermitLimit, TimeSpan Window);

/// <summary>A key that passed validation: its id, name, scopes and own rate limit, if any.</summary>
public sealed record ValidatedApiKey(string Id, string Name, IReadOnlyList<string> Scopes, KeyRateLimit? RateLimit);

/// <summary>
/// Checks presented keys against the bootstrap admin key and the <c>api_keys</c> table. Lookups (found or not) are cached
/// for <see cref="ApiKeyAuthOptions.KeyCacheDuration"/>, which bounds how long a revoked key keeps working elsewhere;
/// expiry is checked on every request against the cached expiry time. Lookups run through the Postgres circuit: while
/// Postgres is slow or down, a key this replica has seen before is checked against its last lookup at once (its expiry
/// still applies); only a key never seen gets the 503.
/// </summary>
public sealed class ApiKeyValidator(
    IServiceScopeFactory scopes, IMemoryCache cache, IOptions<ApiKeyAuthOptions> options, ApiKeyUsage usage, TimeProvider time,
    DependencyCircuits circuits)
{
    public const string BootstrapKeyId = "bootstrap";

    private static readonly ValidatedApiKey Bootstrap = new(BootstrapKeyId, BootstrapKeyId, [AccessPolicies.Admin], RateLimit: null);

    // Only keys that exist: unknown prefixes (anyone can make them up) must not grow it.
    private readonly ConcurrentDictionary<string, StoredKey> _lastKnown = new();

    private readonly byte[]? _bootstrapHash = options.Value.BootstrapAdminKey is { Length: > 0 } bootstrap ? ApiKeyFormat.Hash(bootstrap) : null;

    /// <summary>The key, or null when it is malformed, unknown, revoked or expired.</summary>
    public async ValueTask<ValidatedApiKey?> ValidateAsync(string presented, CancellationToken cancellationToken)
    {
        var hash = ApiKeyFormat.Hash(presented);
        if (_bootstrapHash is not null && ApiKeyFormat.Matches(hash, _bootstrapHash))
        {
            return Bootstrap;
        }
        if (!ApiKeyFormat.TryGetPrefix(presented, out var prefix))
        {
            return null;
        }

        var stored = await cache.GetOrCreateAsync(CacheKey(prefix), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = options.Value.KeyCacheDuration;
            return await LookUpAsync(prefix, cancellationToken);
        });

        if (stored is null || !ApiKeyFormat.Matches(hash, stored.SecretHash) || stored.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }
        usage.Record(stored.Id);
        var rateLimit = stored.RateLimitPermitLimit is { } permits ? new KeyRateLimit(permits, stored.RateLimitWindow ?? TimeSpan.FromSeconds(1)) : null;
        return new ValidatedApiKey(stored.Id.ToString(), stored.Name, stored.Scopes, rateLimit);
    }

    /// <summary>Drops this replica's cached lookup at once (revocation); other replicas follow within the cache duration.</summary>
    public void Forget(string prefix)
    {
        cache.Remove(CacheKey(prefix));
        _lastKnown.TryRemove(prefix, out _);
    }

    private async Task<StoredKey?> LookUpAsync(string prefix, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await circuits.Postgres.ExecuteAsync(async token =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
                return await db.ApiKeys.AsNoTracking()
                    .Where(key => key.Prefix == prefix && key.RevokedAt == null)
                    .Select(key => new StoredKey(key.Id, key.Name, key.SecretHash, key.Scopes, key.ExpiresAt, key.RateLimitPermitLimit, key.RateLimitWindow))
                    .FirstOrDefaultAsync(token);
            }, DatabaseDeadline.Default, cancellationToken);
            if (stored is null)
            {
                _lastKnown.TryRemove(prefix, out _);
            }
            else
            {
                _lastKnown[prefix] = stored;
            }
            return stored;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Postgres is slow, down or its circuit is open: the last lookup answers; a key never seen is a 503.
            return _lastKnown.TryGetValue(prefix, out var known)
                ? known
                : throw new TimeoutException($"The key could not be checked: {exception.Message}", exception);
        }
    }

    private static string CacheKey(string prefix) => $"api-key:{prefix}";

    private sealed record StoredKey(
        Guid Id, string Name, byte[] SecretHash, string[] Scopes, DateTimeOffset? ExpiresAt, int? RateLimitPermitLimit, TimeSpan? RateLimitWindow);
}
