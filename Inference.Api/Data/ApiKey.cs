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
}
