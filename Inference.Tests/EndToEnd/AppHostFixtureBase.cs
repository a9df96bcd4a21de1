using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// Runs one AppHost of its own for a group of end-to-end tests, shaped by <see cref="Options"/>: local Postgres and
/// Redis (or, in embedded mode, SQLite) with data in a private temp folder (so runs never share state or collide with a developer's AppHost), the API
/// and, unless left out, the admin UI. When the tests are done it fails the run if a project logged an Error or
/// Critical entry that <see cref="TestAppHostOptions.ExpectedErrors"/> does not name.
/// </summary>
public abstract partial class AppHostFixtureBase : IAsyncLifetime
{
    public const string ApiResource = "inference-api";
    public const string DashboardResource = "inference-dashboard";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    /// <summary>Lines reach the resource log a moment after a project writes them.</summary>
    private static readonly TimeSpan LogSettleTime = TimeSpan.FromSeconds(2);

    /// <summary>Errors every AppHost logs by design, whatever its tests do.</summary>
    private static readonly ExpectedErrorLog[] ExpectedEverywhere =
    [
        new("Microsoft.EntityFrameworkCore.Database.Command", "FROM \"__EFMigrationsHistory\"",
            "On a fresh database EF Core's Migrate queries the history table before creating it and logs the failure as an error (dotnet/efcore#37328)."),
        new("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", "'Models are loading'",
            "The orchestrator's readiness probe may ask before the models have loaded; the health service logs every Unhealthy answer as an error."),
        new("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", "with message 'The operation was canceled.'",
            "A readiness probe that gives up (on a loaded machine) cancels the checks it started; the health service logs them as Unhealthy."),
    ];

    private TestAppHostOptions? _options;
    private string? _dataDirectory;
    private DistributedApplication? _app;
    private ResourceErrorLog? _errorLog;

    /// <summary>How this fixture's AppHost differs from the default; read once, when it starts.</summary>
    protected abstract TestAppHostOptions Options { get; }

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>The bootstrap admin key this AppHost's API accepts (its <c>inference-admin-key</c> parameter).</summary>
    public string AdminKey { get; } = ApiKeyClient.NewBootstrapKey();

    /// <summary>The secret this AppHost's console seals its key ring with (its <c>console-key-ring-secret</c> parameter).</summary>
    public string KeyRingSecret { get; } = ApiKeyClient.NewBootstrapKey();

    /// <summary>Sends no key.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>Sends <see cref="AdminKey"/>, for the management routes.</summary>
    public HttpClient AdminApi { get; private set; } = null!;

    /// <summary>The API's gRPC endpoint (cleartext HTTP/2).</summary>
    public Uri GrpcEndpoint => App.GetEndpoint(ApiResource, "grpc");

    public Uri DashboardUrl => App.GetEndpoint(DashboardResource, "http");

    /// <summary>The fixture's private data folder (<c>Infrastructure:DataDirectory</c>).</summary>
    public string DataDirectory => _dataDirectory ?? throw new InvalidOperationException("The AppHost has not started.");

    private TestAppHostOptions StartedOptions => _options ?? throw new InvalidOperationException("The AppHost has not started.");

    public virtual async ValueTask InitializeAsync()
    {
        _options = Options;
        _dataDirectory = CreateDataDirectory($"inference-{_options.Name}-");
        await Eventually.WithinAsync(StartTimeout, $"the '{_options.Name}' AppHost to start with healthy resources", StartAsync,
            TestContext.Current.CancellationToken);
        Api = App.CreateHttpClient(ApiResource, "http");
        AdminApi = ClientWithKey(AdminKey);
    }

    /// <summary>A client sending <paramref name="key"/>; the caller disposes it.</summary>
    public HttpClient ClientWithKey(string key) => ApiKeyClient.WithKey(App.CreateHttpClient(ApiResource, "http"), key);

    public async Task<string> GetConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string.");

    public virtual async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        AdminApi?.Dispose();
        // Read before the stop: projects may rightly complain while Postgres and Redis shut down beside them.
        var errors = _errorLog is null ? [] : await _errorLog.StopAsync(LogSettleTime);
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        DeleteDataDirectory();
        GC.SuppressFinalize(this);

        var unexpected = errors.Where(error => !ExpectedEverywhere.Concat(StartedOptions.ExpectedErrors).Any(expected => expected.Matches(error))).ToArray();
        if (unexpected.Length > 0)
        {
            Assert.Fail($"The '{StartedOptions.Name}' AppHost's projects logged {unexpected.Length} unexpected error(s):{Environment.NewLine}"
                        + string.Join(Environment.NewLine, unexpected.Select(error => error.ToString())));
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = StartedOptions;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                $"--Infrastructure:Mode={options.InfrastructureMode}",
                $"--Infrastructure:DataDirectory={_dataDirectory}",
                $"--Parameters:inference-admin-key={AdminKey}",
                $"--Parameters:console-key-ring-secret={KeyRingSecret}",
                $"--Inference:ApiReplicas={options.ApiReplicas}",
                .. options.Arguments,
            ],
            cancellationToken);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            // Probes fail by design until Postgres and Redis accept connections.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        if (!options.RunsDashboard)
        {
            builder.Resources.Remove(builder.Resources.Single(resource => resource.Name == DashboardResource));
        }

        var projects = builder.Resources.OfType<ProjectResource>().ToArray();
        foreach (var project in projects)
        {
            builder.CreateResourceBuilder(project).WithEnvironment(ResourceErrorLog.JsonConsoleVariable.Name, ResourceErrorLog.JsonConsoleVariable.Value);
        }
        var api = builder.CreateResourceBuilder(projects.Single(project => project.Name == ApiResource));
        if (options.RequiresApiKeys)
        {
            api.WithEnvironment("Inference__Auth__RequireApiKey", "true");
        }
        // Many tests send invalid keys from this one address on purpose; the failed-key budget is tested where a fixture
        // sets its own (ReplicatedApiFixture, SecuredConsoleFixture), which the loop below does after this.
        api.WithEnvironment("Inference__Auth__FailedKeys__FailuresPerWindow", "1000000");
        foreach (var (name, value) in options.ApiEnvironment)
        {
            api.WithEnvironment(name, value);
        }
        if (options.RunsDashboard)
        {
            var dashboard = builder.CreateResourceBuilder(projects.Single(project => project.Name == DashboardResource));
            foreach (var (name, value) in options.DashboardEnvironment)
            {
                dashboard.WithEnvironment(name, value);
            }
        }

        _app = await builder.BuildAsync(cancellationToken);
        _errorLog = ResourceErrorLog.Start(_app, projects.Select(project => project.Name));
        await _app.StartAsync(cancellationToken);
        if (options.ApiReplicas == 1)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(ApiResource, cancellationToken);
        }
        else
        {
            await WaitForApiReplicasAsync(IsHealthy, "healthy", cancellationToken);
        }
        if (options.RunsDashboard)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(DashboardResource, cancellationToken);
        }
    }

    private static string CreateDataDirectory(string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Postgres runs as its own user when the tests run as root: it must be able to enter the folder.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        return directory;
    }

    private void DeleteDataDirectory()
    {
        try
        {
            if (_dataDirectory is not null)
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
