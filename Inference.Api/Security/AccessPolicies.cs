namespace Inference.Api.Security;

/// <summary>Authorization policy names; each is also the API-key scope it requires.</summary>
public static class AccessPolicies
{
    /// <summary>Predictions and batch jobs. Enforced only when <c>Inference:Auth:RequireApiKey</c> is on.</summary>
    public const string Infer = "infer";

    /// <summary>Key management and the model repository. Always enforced; implies <see cref="Infer"/>.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope a key may carry.</summary>
    public static readonly IReadOnlyList<string> Scopes = [Infer, Admin];
}

/// <summary>Claims the <c>ApiKey</c> scheme issues.</summary>
public static class ApiKeyClaims
{
    /// <summary>The key's id (<c>bootstrap</c> for the bootstrap admin key); rate limits are partitioned by it.</summary>
    public const string KeyId = "key_id";

    /// <summary>The key's name (<c>bootstrap</c> for the bootstrap admin key): audit entries and job owners show it.</summary>
    public const string KeyName = "key_name";

    /// <summary>One claim per scope the key carries.</summary>
    public const string Scope = "scope";

    /// <summary>The key's own rate limit, when it has one: requests per <see cref="RateLimitWindow"/>.</summary>
    public const string RateLimitPermits = "rate_limit_permits";

    /// <summary>The window of <see cref="RateLimitPermits"/>, as a constant-format TimeSpan.</summary>
    public const string RateLimitWindow = "rate_limit_window";
}
