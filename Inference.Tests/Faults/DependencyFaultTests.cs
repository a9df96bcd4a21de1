using System.Diagnostics;
using System.Text.Json;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Faults;

/// <summary>
/// Freezes, kills and restarts Redis and Postgres under a running API while predictions, an admin read and the readiness
/// probe flow, and checks that each fault costs nothing: no 5xx on predictions, no request past the deadline plus a
/// margin, readiness 200 (Healthy or Degraded) answering within 1 s, the API whole again within 5 s of the
/// dependency's return, and every served prediction in the log.
/// </summary>
public sealed class DependencyFaultTests
{
    /// <summary>The API's database deadline (<c>Inference:Dependencies:DatabaseDeadline</c>) plus a margin for a loaded machine.</summary>
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(1.5);

    private static readonly TimeSpan ReadinessBound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(6);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FrozenKilledAndEmptiedDependenciesCauseNoErrorsNoSlowRequestsAndHealWithoutRestart()
    {
        await using var redis = new RedisServer(ControlledProcess.FreePort());
        await using var postgres = new PostgresServer(ControlledProcess.FreePort());
        await redis.StartAsync();
        await postgres.StartAsync();
        await using var api = await ApiProcess.StartAsync(postgres.ConnectionString, redis.ConnectionString);

        FaultCase[] cases =
        [
            new("Redis frozen", () => Task.Run(redis.Freeze), () => Task.Run(redis.Resume)),
            new("Redis killed, restarted empty", redis.KillAsync, redis.StartAsync),
            new("Postgres frozen", () => Task.Run(postgres.Freeze), () => Task.Run(postgres.Resume)),
            new("Postgres killed, restarted", postgres.KillAsync, postgres.StartAsync),
        ];
        var results = new List<FaultResult>();
        foreach (var fault in cases)
        {
            results.Add(await RunAsync(api, postgres, fault));
        }

        // Also kept under TestResults/ (ignored by git), for docs/reliability.md.
        var table = FaultResult.Table(results);
        TestContext.Current.TestOutputHelper?.WriteLine(table);
        Directory.CreateDirectory(Path.Combine(TestPaths.RepositoryRoot, "TestResults"));
        await File.WriteAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "TestResults", "fault-table.md"), table, Cancellation);
        Assert.All(results, result => result.AssertCostNothing(RequestBound, ReadinessBound, RecoveryBound));
    }

    private static async Task<FaultResult> RunAsync(ApiProcess api, PostgresServer postgres, FaultCase fault)
    {
        await WaitUntilWholeAsync(api, TimeSpan.FromSeconds(30));
        var marker = Guid.NewGuid().ToString("N");
        var load = new FaultLoad(api.Client, marker);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        await fault.Apply();
        await Task.Delay(Outage, Cancellation);
        await fault.Restore();
        var recovery = await WaitUntilWholeAsync(api, RecoveryBound + TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        await stop.CancelAsync();
        await running;

        // Served predictions are logged off the request path; after the outage every one must arrive.
        var logged = await PredictionCountAsync(postgres, marker, load.Served);
        return new FaultResult(fault.Name, [.. load.Samples], recovery, load.Served, logged);
    }

    /// <summary>How long until the API reports every dependency up again.</summary>
    private static async Task<TimeSpan> WaitUntilWholeAsync(ApiProcess api, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await Eventually.PollAsync(async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/dependencies");
            request.Headers.Add("X-Api-Key", ApiProcess.AdminKey);
            using var response = await api.Client.SendAsync(request, token);
            return await response.Content.ReadAsStringAsync(token);
        }, body => JsonDocument.Parse(body).RootElement.EnumerateArray().All(dependency => dependency.GetProperty("state").GetString() == "up"),
            timeout, body => $"the API still reports a dependency down: {body}", Cancellation, TimeSpan.FromMilliseconds(100));
        return clock.Elapsed;
    }

    private static Task<long> PredictionCountAsync(PostgresServer postgres, string marker, int served) =>
        PredictionCalls.PollCountAsync(postgres.ConnectionString, """SELECT count(*) FROM predictions WHERE "InputPreview" LIKE @pattern""",
            count => count >= served, TimeSpan.FromSeconds(30), ("pattern", $"%{marker}"));

    private sealed record FaultCase(string Name, Func<Task> Apply, Func<Task> Restore);
}
