namespace Inference.Tests.EndToEnd;

/// <summary>The admin-console tests that need keys required, or that spend sign-in failures, run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SecuredConsoleCollection : ICollectionFixture<SecuredConsoleFixture>
{
    public const string Name = "Secured console";
}

/// <summary>
/// An AppHost of its own with keys required and the admin console, whose sign-in throttle has a short window: tests that
/// fail sign-ins on purpose would otherwise lock every browser test on the machine (one client address) out for a minute.
/// </summary>
public sealed class SecuredConsoleFixture : AppHostFixtureBase
{
    public const int SignInFailuresPerWindow = 5;
    public static readonly TimeSpan SignInWindow = TimeSpan.FromSeconds(20);

    protected override TestAppHostOptions Options => new()
    {
        Name = "console",
        RequiresApiKeys = true,
        ApiEnvironment = new Dictionary<string, string>
        {
            // Job consumers would only add load; these tests submit no jobs.
            ["Jobs__ConsumerEnabled"] = "false",
        },
        DashboardEnvironment = new Dictionary<string, string>
        {
            ["Console__SignIn__FailuresPerWindow"] = SignInFailuresPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Console__SignIn__Window"] = SignInWindow.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        },
    };
}
