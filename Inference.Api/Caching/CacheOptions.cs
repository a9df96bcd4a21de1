namespace Inference.Api.Caching;

/// <summary>Settings under <c>Inference:Cache</c>; the default lifetime stays <c>Inference:CacheDuration</c>.</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Inference:Cache";

    /// <summary>Off: every request runs its model (answers say <c>X-Cache: BYPASS</c>).</summary>
    public bool Enabled { get; set; } = true;
}
