namespace Inference.Api.Security;

/// <summary>The <c>Inference:Auth</c> section.</summary>
public sealed class ApiKeyAuthOptions
{
    public const string SectionName = "Inference:Auth";

    /// <summary>Whether prediction and job routes need a key with the <c>infer</c> scope; admin routes always need one.</summary>
    public bool RequireApiKey { get; set; } = true;

    /// <summary>An admin key that works without being stored (the AppHost's <c>inference-admin-key</c> parameter).</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>
    /// How long a replica trusts a key it looked up, so requests do not each query Postgres; also the longest a
    /// revoked key keeps working on another replica.
    /// </summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the last-used times noted in memory are written to Postgres (each key at most once a minute).</summary>
    public TimeSpan LastUsedWriteInterval { get; set; } = TimeSpan.FromSeconds(5);
}
