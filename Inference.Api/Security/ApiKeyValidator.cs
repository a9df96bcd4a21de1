using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Inference.Api.Security;

/// <summary>A key that passed validation: its id and scopes.</summary>
public sealed record ValidatedApiKey(string Id, IReadOnlyList<string> Scopes);

/// <summary>
/// Checks presented keys against the bootstrap admin key and the <c>api_keys</c> table. Lookups (found or not) are cached
/// for <see cref="ApiKeyAuthOptions.KeyCacheDuration"/>, which bounds how long a revoked key keeps working elsewhere.
/// </summary>
public sealed class ApiKeyValidator(IServiceScopeFactory scopes, IMemoryCache cache, IOptions<ApiKeyAuthOptions> options)
{
    public const string BootstrapKeyId = "bootstrap";

    private static readonly ValidatedApiKey Bootstrap = new(BootstrapKeyId, [AccessPolicies.Admin]);

    private readonly byte[]? _bootstrapHash = options.Value.BootstrapAdminKey is { Length: > 0 } bootstrap ? ApiKeyFormat.Hash(bootstrap) : null;

    /// <summary>The key, or null when it is malformed, unknown or revoked.</summary>
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
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
            return await db.ApiKeys.AsNoTracking()
                .Where(key => key.Prefix == prefix && key.RevokedAt == null)
                .Select(key => new StoredKey(key.Id, key.SecretHash, key.Scopes))
                .FirstOrDefaultAsync(cancellationToken);
        });

        return stored is not null && ApiKeyFormat.Matches(hash, stored.SecretHash)
            ? new ValidatedApiKey(stored.Id.ToString(), stored.Scopes)
            : null;
    }

    /// <summary>Drops this replica's cached lookup at once (revocation); other replicas follow within the cache duration.</summary>
    public void Forget(string prefix) => cache.Remove(CacheKey(prefix));

    private static string CacheKey(string prefix) => $"api-key:{prefix}";

    private sealed record StoredKey(Guid Id, byte[] SecretHash, string[] Scopes);
}
