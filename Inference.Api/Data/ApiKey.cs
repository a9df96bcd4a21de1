namespace Inference.Api.Data;

/// <summary>A stored API key: its public prefix and a hash, never the key itself.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    /// <summary>What the key is for, e.g. the client that uses it.</summary>
    public required string Name { get; set; }

    /// <summary>The public part of the key (<c>inf_&lt;prefix&gt;_…</c>), by which requests find it.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the whole key.</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary><c>infer</c> and/or <c>admin</c>.</summary>
    public required string[] Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set once the key is revoked; a revoked key is kept so listings show it.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>After this the key is refused like a revoked one; null: it never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When a request last presented the key, to the minute (written in the background, at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>The key this one replaced by rotation; the old key stays valid until it is revoked.</summary>
    public Guid? RotatedFromId { get; set; }

    /// <summary>Requests this key may make per <see cref="RateLimitWindow"/> on every route class, instead of the policy's default.</summary>
    public int? RateLimitPermitLimit { get; set; }

    /// <summary>The window of <see cref="RateLimitPermitLimit"/>; one second when only the limit is set.</summary>
    public TimeSpan? RateLimitWindow { get; set; }
}
