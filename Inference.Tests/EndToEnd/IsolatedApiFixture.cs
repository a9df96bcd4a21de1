using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Inference.Tests.EndToEnd;

/// <summary>The tests that share <see cref="IsolatedApiFixture"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class IsolatedApiCollection : ICollectionFixture<IsolatedApiFixture>
{
    public const string Name = "Isolated API";
}

/// <summary>
/// An AppHost of its own (one API, no admin UI, retention every 2 s) for the tests that stop Postgres or Redis: the
/// shared AppHost keeps serving the other tests meanwhile.
/// </summary>

public sealed class IsolatedApiFixture : IAsyncLifetime
{
    /// <summary>Short, so retention can be watched deleting.</summary>
    public static readonly TimeSpan RetentionInterval = TimeSpan.FromSeconds(2);

    private readonly string _dataDirectory = TestAppHost.CreateDataDirectory("inference-isolated-");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public HttpClient Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TestAppHost.StartTimeout);
        var builder = await TestAppHost.CreateBuilderAsync(_dataDirectory, [], timeout.Token);
        builder.Resources.Remove(builder.Resources.Single(resource => resource.Name == "inference-dashboard"));
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "inference-api"))
            .WithEnvironment("Inference__PredictionLog__RetentionInterval", RetentionInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture));

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("inference-api", timeout.Token);
        Api = _app.CreateHttpClient("inference-api", "http");
    }

    public async Task<string> GetConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string.");

    /// <summary>Stops or starts a resource through its command, as the dashboard's buttons do, and waits for the new state.</summary>
    public async Task RunCommandAsync(string resourceName, string command, CancellationToken cancellationToken)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == resourceName);
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        Assert.True(result.Success, $"{command} on {resourceName} failed: {result.Message}");
        if (command == KnownResourceCommands.StartCommand)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, cancellationToken);
        }
        else
        {
            await App.ResourceNotifications.WaitForResourceAsync(resourceName,
                update => update.Snapshot.State?.Text is "Exited" or "Finished" or "Stopped", cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        await TestAppHost.StopAsync(_app, _dataDirectory);
    }
}
