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

    /// <summary>
    /// Invalid keys the API takes from one address per <see cref="ApiFailedKeysWindow"/>: more than the console lets one
    /// browser fail, and more than this collection's other tests send together, so only several browsers counted as one
    /// address (the console's) use it up.
    /// </summary>
    public const int ApiFailedKeysPerWindow = 3 * SignInFailuresPerWindow + 1;

    /// <summary>Long enough that browser-driven sign-ins on a busy machine all fall in one window.</summary>
    public static readonly TimeSpan ApiFailedKeysWindow = TimeSpan.FromMinutes(5);

    /// <summary>How long the console trusts its last word from the API on a signed-in key (30 s by default).</summary>
    public static readonly TimeSpan KeyRecheckInterval = TimeSpan.FromSeconds(2);

    protected override TestAppHostOptions Options => new()
    {
        Name = "console",
        RequiresApiKeys = true,
        ApiEnvironment = new Dictionary<string, string>
        {
            // Job consumers would only add load; these tests submit no jobs.
            ["Jobs__ConsumerEnabled"] = "false",
            ["Inference__Auth__FailedKeys__FailuresPerWindow"] = ApiFailedKeysPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Inference__Auth__FailedKeys__Window"] = ApiFailedKeysWindow.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        },
        DashboardEnvironment = new Dictionary<string, string>
        {
            ["Console__SignIn__FailuresPerWindow"] = SignInFailuresPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Console__SignIn__Window"] = SignInWindow.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Console__SignIn__RecheckInterval"] = KeyRecheckInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        },
    };

    /// <summary>
    /// Ends the console's process, as a crash or a redeploy would, and starts it again through the resource's start command,
    /// as the dashboard's button does; returns once it is healthy. (The orchestrator's stop command times out on the
    /// console's process here, so the process is ended directly.)
    /// </summary>
    public async Task RestartConsoleAsync(CancellationToken cancellationToken)
    {
        var running = await App.ResourceNotifications.WaitForResourceHealthyAsync(DashboardResource, cancellationToken);
        var processId = running.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value;
        using (var process = System.Diagnostics.Process.GetProcessById(Convert.ToInt32(processId, System.Globalization.CultureInfo.InvariantCulture)))
        {
            process.Kill(entireProcessTree: true);
            await Eventually.WithinAsync(ResourceTimeout, "the console's process to exit", process.WaitForExitAsync, cancellationToken);
        }
        await Eventually.WithinAsync(ResourceTimeout, "the console to be seen stopped", token => App.ResourceNotifications.WaitForResourceAsync(
            DashboardResource, update => update.Snapshot.State?.Text is "Exited" or "Finished", token), cancellationToken);
        await RunCommandAsync(DashboardResource, Aspire.Hosting.ApplicationModel.KnownResourceCommands.StartCommand, cancellationToken);
    }
}
