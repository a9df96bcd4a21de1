namespace Inference.Tests.EndToEnd;

/// <summary>How one end-to-end fixture's AppHost differs from the default: one API, the admin UI, keys optional.</summary>
public sealed record TestAppHostOptions
{
    /// <summary>Names the fixture's data folder (Postgres and Redis, or the embedded SQLite file), and its reports.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The AppHost's <c>Infrastructure:Mode</c>: <c>local</c> (the machine's Postgres and Redis, data in the fixture's
    /// folder) or <c>embedded</c> (SQLite in the fixture's folder, in-process coordination; no Postgres or Redis).
    /// </summary>
    public string InfrastructureMode { get; init; } = "local";

    public int ApiReplicas { get; init; } = 1;

    /// <summary>Whether the admin UI runs; fixtures that drive the API alone leave it out, so the AppHost starts sooner.</summary>
    public bool RunsDashboard { get; init; } = true;

    /// <summary>Whether the API requires a key on every route, as in production.</summary>
    public bool RequiresApiKeys { get; init; }

    /// <summary>AppHost configuration arguments (<c>--Section:Key=value</c>) beyond the fixture's defaults.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Environment variables for the API's processes.</summary>
    public IReadOnlyDictionary<string, string> ApiEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Environment variables for the admin console's process.</summary>
    public IReadOnlyDictionary<string, string> DashboardEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The Error entries this fixture's tests cause on purpose; any other fails the run.</summary>
    public IReadOnlyList<ExpectedErrorLog> ExpectedErrors { get; init; } = [];
}
