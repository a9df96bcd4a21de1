using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(Inference.Tests.EndToEnd.AppHostFixture))]

namespace Inference.Tests.EndToEnd;

/// <summary>
/// One running AppHost (local Postgres and Redis, the API and the dashboard) shared by every end-to-end test,
/// since starting it is the slow part.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private readonly ReferenceModelRoot _referenceModels = new();

    // Each run gets its own Postgres and Redis data, so runs never share state or collide with a developer's AppHost.
    private readonly string _dataDirectory = TestAppHost.CreateDataDirectory("inference-apphost-");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public HttpClient Api { get; private set; } = null!;

    /// <summary>The bootstrap admin key this AppHost's API accepts (its <c>inference-admin-key</c> parameter).</summary>
    public string AdminKey { get; } = ApiKeyClient.NewBootstrapKey();

    /// <summary>A client that sends <see cref="AdminKey"/>, for the management routes.</summary>
    public HttpClient AdminApi { get; private set; } = null!;

    /// <summary>The extra model root the API serves from (models whose folders a test may change, then reload).</summary>
    public string ReferenceModelsPath => _referenceModels.Path;

    public Uri DashboardUrl { get; private set; } = null!;

    /// <summary>The API's gRPC endpoint (cleartext HTTP/2).</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TestAppHost.StartTimeout);
        var builder = await TestAppHost.CreateBuilderAsync(_dataDirectory,
            [
                $"--Inference:ExtraModelRoots={_referenceModels.Path};{TestPaths.TestModels}",
                $"--Parameters:inference-admin-key={AdminKey}",
            ],
            timeout.Token);

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("inference-api", timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("inference-dashboard", timeout.Token);

        Api = _app.CreateHttpClient("inference-api", "http");
        AdminApi = ApiKeyClient.WithKey(_app.CreateHttpClient("inference-api", "http"), AdminKey);
        DashboardUrl = _app.GetEndpoint("inference-dashboard", "http");
        GrpcEndpoint = _app.GetEndpoint("inference-api", "grpc");
    }

    public async Task<string> GetConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string.");

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        AdminApi?.Dispose();
        await TestAppHost.StopAsync(_app, _dataDirectory);
        _referenceModels.Dispose();
    }
}
