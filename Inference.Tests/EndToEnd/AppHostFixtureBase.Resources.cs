using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Inference.Tests.EndToEnd;

/// <summary>Waits on the AppHost's resources and runs their commands, each bounded by <see cref="ResourceTimeout"/>.</summary>
public abstract partial class AppHostFixtureBase
{
    /// <summary>How long a resource may take to reach a state a test asked for (stopped, healthy again).</summary>
    public static readonly TimeSpan ResourceTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Running and healthy.</summary>
    public static bool IsHealthy(ResourceEvent update) =>
        update.Snapshot.State?.Text == KnownResourceStates.Running && update.Snapshot.HealthStatus == HealthStatus.Healthy;

    /// <summary>The resource ids of the API replicas (each has the resource's name with an id of its own), once all are healthy.</summary>
    public async Task<string[]> WaitForHealthyReplicasAsync(CancellationToken cancellationToken) =>
        [.. (await WaitForApiReplicasAsync(IsHealthy, "healthy", cancellationToken)).Select(replica => replica.ResourceId)];

    /// <summary>
    /// The latest state of each API replica, once every one of them satisfies <paramref name="condition"/>
    /// (described by <paramref name="what"/> in the failure).
    /// </summary>
    public Task<ResourceEvent[]> WaitForApiReplicasAsync(Func<ResourceEvent, bool> condition, string what, CancellationToken cancellationToken) =>
        Eventually.WithinAsync(ResourceTimeout, $"all {StartedOptions.ApiReplicas} {ApiResource} replicas to be {what}", async token =>
        {
            var replicas = new Dictionary<string, ResourceEvent>();
            await foreach (var update in App.ResourceNotifications.WatchAsync(token))
            {
                // Replicas carry the resource's name with an id of their own.
                if (update.Resource.Name != ApiResource || update.ResourceId == ApiResource)
                {
                    continue;
                }
                replicas[update.ResourceId] = update;
                var matching = replicas.Values.Where(condition).ToArray();
                if (matching.Length == StartedOptions.ApiReplicas)
                {
                    return matching;
                }
            }
            throw new OperationCanceledException("Stopped watching before the replicas reached the expected state.");
        }, cancellationToken);

    /// <summary>
    /// Runs one of a resource's commands (<see cref="KnownResourceCommands.StopCommand"/>, <see cref="KnownResourceCommands.StartCommand"/>),
    /// as the dashboard's buttons do, and waits until it is stopped, or healthy again.
    /// </summary>
    public async Task RunCommandAsync(string resourceName, string command, CancellationToken cancellationToken)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == resourceName);
        var result = await Eventually.WithinAsync(ResourceTimeout, $"{command} on {resourceName} to run",
            token => App.ResourceCommands.ExecuteCommandAsync(resource, command, token), cancellationToken);
        Assert.True(result.Success, $"{command} on {resourceName} failed: {result.Message}");
        await Eventually.WithinAsync(ResourceTimeout, $"{resourceName} to settle after {command}", token => command == KnownResourceCommands.StartCommand
            ? App.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, token)
            : App.ResourceNotifications.WaitForResourceAsync(resourceName,
                update => update.Snapshot.State?.Text is "Exited" or "Finished" or "Stopped", token),
            cancellationToken);
    }

    /// <summary>
    /// Waits until every replica runs, healthy, in a process not among <paramref name="exceptProcesses"/>; returns their
    /// process ids.
    /// </summary>
    public async Task<int[]> WaitForHealthyReplicasAsync(IReadOnlyCollection<int> exceptProcesses, CancellationToken cancellationToken)
    {
        var ready = await WaitForApiReplicasAsync(replica => IsHealthy(replica) && ProcessId(replica) is { } id && !exceptProcesses.Contains(id),
            "healthy in new processes", cancellationToken);
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
            await Eventually.WithinAsync(ResourceTimeout, $"API process {id} to exit", process.WaitForExitAsync, cancellationToken);
        }
        return processes;
    }

    /// <summary>Starts the killed replicas again through the resource's start command, as the dashboard's button does.</summary>
    public async Task StartApiAsync(CancellationToken cancellationToken)
    {
        // The orchestrator notices the exits asynchronously; start once every replica is seen stopped.
        await WaitForApiReplicasAsync(replica => replica.Snapshot.State?.Text is "Exited" or "Finished", "stopped", cancellationToken);
        var api = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == ApiResource);
        var result = await Eventually.WithinAsync(ResourceTimeout, $"{ApiResource} to start again",
            token => App.ResourceCommands.ExecuteCommandAsync(api, KnownResourceCommands.StartCommand, token), cancellationToken);
        Assert.True(result.Success, $"starting {ApiResource} failed: {result.Message}");
    }

    private static int? ProcessId(ResourceEvent update) =>
        update.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : null;
}
