using System.Security.Claims;
using Inference.Api.Auditing;
using Inference.Api.Data;
using Inference.Api.Security;

namespace Inference.Api.Apis;

/// <summary>A key's own rate limit as the key routes take and show it: <c>{"permitLimit": 50, "window": "00:01:00"}</c>.</summary>
public sealed record ApiKeyRateLimit(int PermitLimit, TimeSpan? Window);

/// <summary>Body of <c>POST /api/admin/keys</c>; <see cref="ExpiresAt"/> and <see cref="RateLimit"/> are optional.</summary>
public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt = null, ApiKeyRateLimit? RateLimit = null);

/// <summary>Optional body of <c>POST /api/admin/keys/{id}/rotate</c>: when the new key expires (by default never).</summary>
public sealed record RotateApiKeyRequest(DateTimeOffset? ExpiresAt);

/// <summary>A key as listings show it: never the key or its hash.</summary>
public sealed record ApiKeySummary(
    Guid Id,
    string Name,
    string Prefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    Guid? RotatedFromId,
    ApiKeyRateLimit? RateLimit)
{
    public static ApiKeySummary From(ApiKey key) => new(key.Id, key.Name, key.Prefix, key.Scopes, key.CreatedAt, key.RevokedAt, key.ExpiresAt,
        key.LastUsedAt, key.RotatedFromId, key.RateLimitPermitLimit is { } permits ? new ApiKeyRateLimit(permits, key.RateLimitWindow) : null);
}

/// <summary>A new key; <see cref="Key"/> is shown this once and cannot be recovered.</summary>
public sealed record CreatedApiKey(
    Guid Id,
    string Name,
    string Prefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    string Key,
    DateTimeOffset? ExpiresAt,
    Guid? RotatedFromId,
    ApiKeyRateLimit? RateLimit)
{
    public static CreatedApiKey From(ApiKey key, string secret) => new(key.Id, key.Name, key.Prefix, key.Scopes, key.CreatedAt, secret,
        key.ExpiresAt, key.RotatedFromId, key.RateLimitPermitLimit is { } permits ? new ApiKeyRateLimit(permits, key.RateLimitWindow) : null);
}

/// <summary>What the key handlers need, injected as one parameter.</summary>
public sealed record ApiKeyServices(InferenceDbContext Db, ApiKeyValidator Validator, TimeProvider Time, AuditLog Audit, ClaimsPrincipal User);
