namespace Inference.Dashboard.Security;

/// <summary>The <c>Console:SignIn</c> section: how many failed sign-ins a client may make per window.</summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "Console:SignIn";

    public int FailuresPerWindow { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
