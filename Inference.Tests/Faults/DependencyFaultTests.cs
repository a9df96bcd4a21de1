using System.Diagnostics;
using System.Text.Json;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Faults;

/// <summary>
/// Freezes, kills and restarts Redis and Postgres under a running API while predictions, an admin read, the readiness
/// probe and a 2,000-item job flow, and checks that each fault costs nothing: no 5xx on predictions, no request past the
/// deadline plus a margin, readiness 200 (Healthy or Degraded) answering within 1 s, the API whole again within 5 s of
/// the dependency's return, the job completed with every item stored exactly once (also when Redis comes back empty),
/// and every served prediction in the log. Latencies are judged beyond the machine's own stall at that moment (see
/// <see cref="FaultResult.BeyondStall"/>), so a loaded machine does not fail the suite and a hang still does.
/// </summary>
public sealed class DependencyFaultTests
{
    /// <summary>The API's database deadline (<c>Inference:Dependencies:DatabaseDeadline</c>), the longest any request may wait on a dependency.</summary>
    private static readonly TimeSpan DatabaseDeadline = TimeSpan.FromSeconds(2);

    /// <summary>The deadline plus a margin for the work around the wait (the stall the machine imposes is subtracted separately).</summary>
    private static readonly TimeSpan RequestBound = DatabaseDeadline + TimeSpan.FromSeconds(1);

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
            new("Redis frozen", () => Task.Run(redis.Freeze), () => Task.Run(redis.Resume), QueueDown: true),
            new("Redis killed, restarted empty", redis.KillAsync, redis.StartAsync, QueueDown: true),
            new("Postgres frozen", () => Task.Run(postgres.Freeze), () => Task.Run(postgres.Resume), QueueDown: false),
            new("Postgres killed, restarted", postgres.KillAsync, postgres.StartAsync, QueueDown: false),
        ];
        var results = new List<FaultResult>();
        var waiting = new Dictionary<FaultCase, string?>();
        foreach (var fault in cases)
        {
            var (result, waitingDuringFault) = await RunAsync(api, redis, postgres, fault);
            results.Add(result);
            waiting[fault] = waitingDuringFault;
        }

        // Also kept under TestResults/ (ignored by git), for docs/reliability.md.
        var table = FaultResult.Table(results);
        TestContext.Current.TestOutputHelper?.WriteLine(table);
        Directory.CreateDirectory(Path.Combine(TestPaths.RepositoryRoot, "TestResults"));
        await File.WriteAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "TestResults", "fault-table.md"), table, Cancellation);
        Assert.All(results, result => result.AssertCostNothing(RequestBound, ReadinessBound, RecoveryBound));
        Assert.All(waiting.Where(pair => pair.Key.QueueDown), pair => Assert.True(pair.Value?.StartsWith("waiting for queue", StringComparison.Ordinal),
            $"{pair.Key.Name}: while the queue was down the unfinished job said '{pair.Value}', not why it waited"));
    }

    /// <summary>One fault under load; also returns what the unfinished job said near the end of the outage.</summary>
    private static async Task<(FaultResult Result, string? Waiting)> RunAsync(ApiProcess api, RedisServer redis, PostgresServer postgres, FaultCase fault)
    {
        await WaitUntilWholeAsync(api, TimeSpan.FromSeconds(30));
        var marker = Guid.NewGuid().ToString("N");
        var load = new FaultLoad(api.Client, marker);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var job = await FaultJob.SubmitAsync(api.Client, marker);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        await fault.Apply();
        // Long enough for the probe to see the fault (it checks every second) before the job is asked why it waits.
        await Task.Delay(Outage - TimeSpan.FromSeconds(2), Cancellation);
        var waiting = fault.QueueDown ? await job.WaitingAsync() : null;
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        await fault.Restore();
        var recovery = await WaitUntilWholeAsync(api, RecoveryBound + TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        await stop.CancelAsync();
        await running;

        // Served predictions are logged off the request path; after the outage every one must arrive.
        var logged = await PredictionCountAsync(postgres, marker, load.Served);
        var outcome = await job.FinishAsync(postgres, redis);
        return (new FaultResult(fault.Name, [.. load.Samples], recovery, load.Served, logged, outcome), waiting);
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

    /// <param name="QueueDown">The fault takes the job queue (Redis) away: an unfinished job must say it waits for it.</param>
    private sealed record FaultCase(string Name, Func<Task> Apply, Func<Task> Restore, bool QueueDown);
}
