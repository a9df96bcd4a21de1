using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// A second AppHost of its own, with two API replicas and no admin UI, for the tests that kill API processes: the
/// shared AppHost keeps serving the other tests meanwhile.
/// </summary>
public sealed class ReplicatedApiFixture : IAsyncLifetime
{
    public const string ApiResource = "inference-api";
    public const int Replicas = 2;
    /// <summary>Short, so a killed process's items are taken over within seconds.</summary>
    public static readonly TimeSpan ReclaimAfter = TimeSpan.FromSeconds(3);

    private readonly string _dataDirectory = TestAppHost.CreateDataDirectory("inference-replicas-");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public HttpClient Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TestAppHost.StartTimeout);
        var builder = await TestAppHost.CreateBuilderAsync(_dataDirectory,
            [$"--Inference:ApiReplicas={Replicas}"],
            timeout.Token);
        // These tests drive the API alone; the admin UI would only slow the start.
        builder.Resources.Remove(builder.Resources.Single(resource => resource.Name == "inference-dashboard"));
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == ApiResource))
            .WithEnvironment("Jobs__ReclaimAfter", ReclaimAfter.ToString("c", CultureInfo.InvariantCulture));

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await WaitForHealthyReplicasAsync(exceptProcesses: [], timeout.Token);
        Api = _app.CreateHttpClient(ApiResource, "http");
    }

    public async Task<string> GetConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string.");

    /// <summary>
    /// Waits until every replica runs, healthy, in a process not among <paramref name="exceptProcesses"/>; returns their
    /// process ids.
    /// </summary>
    public async Task<int[]> WaitForHealthyReplicasAsync(IReadOnlyCollection<int> exceptProcesses, CancellationToken cancellationToken)
    {
        var ready = await WaitForReplicasAsync(replica => replica.Snapshot.State?.Text == KnownResourceStates.Running
                                                          && replica.Snapshot.HealthStatus == HealthStatus.Healthy
                                                          && ProcessId(replica) is { } id && !exceptProcesses.Contains(id), cancellationToken);
        return [.. ready.Select(replica => ProcessId(replica)!.Value)];
    }

    /// <summary>Kills every API replica at once, without warning (SIGKILL to each process tree), as a crash would.</summary>
    public async Task<int[]> KillApiProcessesAsync(CancellationToken cancellationToken)
    {
        var processes = await WaitForHealthyReplicasAsync([], cancellationToken);
        foreach (var id in processes)
        {
            using var process = Process.GetProcessById(id);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
        }
        return processes;
    }

    /// <summary>Starts the killed replicas again through the resource's start command, as the dashboard's button does.</summary>
    public async Task StartApiAsync(CancellationToken cancellationToken)
    {
        // The orchestrator notices the exits asynchronously; start once every replica is seen stopped.
        await WaitForReplicasAsync(replica => replica.Snapshot.State?.Text is "Exited" or "Finished", cancellationToken);
        var api = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == ApiResource);
        var result = await App.ResourceCommands.ExecuteCommandAsync(api, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, $"starting {ApiResource} failed: {result.Message}");
    }

    /// <summary>The latest state of each replica, once every one of them satisfies <paramref name="condition"/>.</summary>
    private async Task<ResourceEvent[]> WaitForReplicasAsync(Func<ResourceEvent, bool> condition, CancellationToken cancellationToken)
    {
        var replicas = new Dictionary<string, ResourceEvent>();
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            // Replicas carry the resource's name with an id of their own.
            if (update.Resource.Name != ApiResource || update.ResourceId == ApiResource)
            {
                continue;
            }
            replicas[update.ResourceId] = update;
            var matching = replicas.Values.Where(condition).ToArray();
            if (matching.Length == Replicas)
            {
                return matching;
            }
        }
        throw new OperationCanceledException("Stopped watching before the replicas reached the expected state.");
    }

    private static int? ProcessId(ResourceEvent update) =>
        update.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : null;

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        await TestAppHost.StopAsync(_app, _dataDirectory);
    }
}
