using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// A second AppHost of its own, with two API replicas and no admin UI, for the tests that kill API processes: the
/// shared AppHost keeps serving the other tests meanwhile.
/// </summary>
public sealed class ReplicatedApiFixture : AppHostFixtureBase
{
    public const int Replicas = 2;
    /// <summary>Short, so a killed process's items are taken over within seconds.</summary>
    public static readonly TimeSpan ReclaimAfter = TimeSpan.FromSeconds(3);

    protected override TestAppHostOptions Options => new()
    {
        Name = "replicas",
        ApiReplicas = Replicas,
        // These tests drive the API alone; the admin UI would only slow the start.
        RunsDashboard = false,
        ApiEnvironment = new Dictionary<string, string> { ["Jobs__ReclaimAfter"] = ReclaimAfter.ToString("c", CultureInfo.InvariantCulture) },
    };

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
