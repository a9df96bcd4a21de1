namespace Inference.Api.Security;

/// <summary>
/// The <c>Inference:Auth:FailedKeys</c> section: how many requests with a wrong, revoked or expired key one client address
/// may make per window before every request from it that carries a key is refused (429) until the window ends.
/// </summary>
public sealed class FailedKeyThrottleOptions
{
    public const string SectionName = "Inference:Auth:FailedKeys";

    public int FailuresPerWindow { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
