using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(Inference.Tests.EndToEnd.AppHostFixture))]

namespace Inference.Tests.EndToEnd;

/// <summary>
/// One running AppHost (local Postgres and Redis, the API and the dashboard) shared by every end-to-end test,
/// since starting it is the slow part.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private readonly ReferenceModelRoot _referenceModels = new();
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public HttpClient Api { get; private set; } = null!;

    public Uri DashboardUrl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                "--Infrastructure:Mode=local",
                $"--Inference:ExtraModelRoots={_referenceModels.Path}",
            ],
            timeout.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            // Probes fail by design until Postgres and Redis accept connections.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("inference-api", timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("inference-dashboard", timeout.Token);

        Api = _app.CreateHttpClient("inference-api", "http");
        DashboardUrl = _app.GetEndpoint("inference-dashboard", "http");
    }

    public async Task<string> GetConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string.");

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _referenceModels.Dispose();
    }
}
