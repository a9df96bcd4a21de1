using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Tests.EndToEnd;

/// <summary>The API-key and rate-limit tests share one AppHost and run one after another (one stops Redis).</summary>
[CollectionDefinition(Name)]
public sealed class SecuredApiCollection : ICollectionFixture<SecuredApiFixture>
{
    public const string Name = "Secured API";
}

/// <summary>
/// An AppHost of its own with keys required (as in production), two API replicas sharing Redis-backed rate limits, a
/// small <c>predict</c> limit, and no admin UI. Tests that stop Redis do it here, away from the shared AppHost.
/// </summary>
public sealed class SecuredApiFixture : IAsyncLifetime
{
    public const string ApiResource = "inference-api";
    public const string RedisResource = "redis";
    public const int Replicas = 2;
    /// <summary>Predictions one key may make per <see cref="PredictWindow"/>, across both replicas.</summary>
    public const int PredictLimit = 5;
    public static readonly TimeSpan PredictWindow = TimeSpan.FromMinutes(1);

    private readonly string _dataDirectory = TestAppHost.CreateDataDirectory("inference-secured-");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public string AdminKey { get; } = ApiKeyClient.NewBootstrapKey();

    /// <summary>Sends no key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>Sends the bootstrap admin key.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TestAppHost.StartTimeout);
        var builder = await TestAppHost.CreateBuilderAsync(_dataDirectory,
            [
                $"--Inference:ApiReplicas={Replicas}",
                $"--Parameters:inference-admin-key={AdminKey}",
            ],
            timeout.Token);
        builder.Resources.Remove(builder.Resources.Single(resource => resource.Name == "inference-dashboard"));
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == ApiResource))
            .WithEnvironment("Inference__Auth__RequireApiKey", "true")
            .WithEnvironment("Inference__RateLimits__Predict__PermitLimit", PredictLimit.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("Inference__RateLimits__Predict__Window", PredictWindow.ToString("c", CultureInfo.InvariantCulture))
            // The tests create and list keys in quick succession with the one bootstrap key.
            .WithEnvironment("Inference__RateLimits__Admin__PermitLimit", "1000")
            // Job consumers would only add load; these tests submit no jobs.
            .WithEnvironment("Jobs__ConsumerEnabled", "false");

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await WaitForHealthyReplicasAsync(timeout.Token);
        Anonymous = _app.CreateHttpClient(ApiResource, "http");
        Admin = ApiKeyClient.WithKey(_app.CreateHttpClient(ApiResource, "http"), AdminKey);
    }

    /// <summary>A client sending <paramref name="key"/>; the caller disposes it.</summary>
    public HttpClient ClientWithKey(string key) => ApiKeyClient.WithKey(App.CreateHttpClient(ApiResource, "http"), key);

    /// <summary>The resource ids of the API replicas (each has the resource's name with an id of its own).</summary>
    public async Task<string[]> WaitForHealthyReplicasAsync(CancellationToken cancellationToken)
    {
        var replicas = new Dictionary<string, bool>();
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != ApiResource || update.ResourceId == ApiResource)
            {
                continue;
            }
            replicas[update.ResourceId] = update.Snapshot.State?.Text == KnownResourceStates.Running
                                          && update.Snapshot.HealthStatus == HealthStatus.Healthy;
            if (replicas.Count(replica => replica.Value) == Replicas)
            {
                return [.. replicas.Keys];
            }
        }
        throw new OperationCanceledException("Stopped watching before the replicas were healthy.");
    }

    /// <summary>Runs one of the Redis resource's commands (<c>resource-stop</c>, <c>resource-start</c>), as the dashboard's buttons do.</summary>
    public async Task ExecuteRedisCommandAsync(string command, CancellationToken cancellationToken)
    {
        var redis = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == RedisResource);
        var result = await App.ResourceCommands.ExecuteCommandAsync(redis, command, cancellationToken);
        Assert.True(result.Success, $"{command} on {RedisResource} failed: {result.Message}");
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous?.Dispose();
        Admin?.Dispose();
        await TestAppHost.StopAsync(_app, _dataDirectory);
    }
}
