namespace Inference.Dashboard.Services;

/// <summary>Answer of <c>GET /api/me</c>: the key's id, name and scopes, and whether the API requires keys.</summary>
public sealed record CallerIdentity(bool KeysRequired, bool Anonymous, string? KeyId, string? Name, IReadOnlyList<string> Scopes);

/// <summary>A key's own rate limit: <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed record ApiKeyRateLimit(int PermitLimit, TimeSpan? Window);

/// <summary>A key as <c>GET /api/admin/keys</c> lists it: never its secret.</summary>
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
    public bool IsRevoked => RevokedAt is not null;

    public bool HasExpired(DateTimeOffset now) => ExpiresAt <= now;
}

/// <summary>Body of <c>POST /api/admin/keys</c>.</summary>
public sealed record CreateApiKeyRequest(string Name, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

/// <summary>A new key; <see cref="Key"/> is shown this once.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string Key,
    DateTimeOffset? ExpiresAt, Guid? RotatedFromId);
