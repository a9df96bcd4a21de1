using Inference.Api.Data;
using Inference.Api.Jobs;
using StackExchange.Redis;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// The job consumer against the AppHost's real Redis and Postgres, run in this process on a stream of its own with
/// a scripted runner, so failures and dead consumers can be staged exactly.
/// </summary>
public sealed class JobConsumerTests(AppHostFixture fixture)
{
    private const int MaxAttempts = JobConsumerHarness.MaxAttempts;

    private Task<JobConsumerHarness> CreateHarnessAsync(IJobItemRunner runner, Action<BatchJobOptions>? configure = null) =>
        JobConsumerHarness.CreateAsync(fixture, runner, configure);

    [Fact]
    public async Task ItemThatKeepsFailingIsStoredAsFailedAfterMaxAttemptsAndTheJobGoesOn()
    {
        var runner = new ScriptedRunner(item => item.ItemIndex == 4 ? JobItemOutcome.TransientFailure("the model run crashed") : null);
        await using var harness = await CreateHarnessAsync(runner);
        var job = await harness.CreateJobAsync(10);

        await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((BatchJobStates.Completed, 10, 1), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var poison = (await harness.ResultsAsync(job.Id)).Single(result => !result.Succeeded);
        Assert.Equal((4, MaxAttempts), (poison.ItemIndex, poison.Attempts));
        Assert.Contains("3 attempts", poison.Error);
        Assert.Contains("the model run crashed", poison.Error);
        Assert.Equal(MaxAttempts, runner.Runs[4]);
        Assert.All(Enumerable.Range(0, 10).Where(i => i != 4), i => Assert.Equal(1, runner.Runs[i]));
    }

    [Fact]
    public async Task DeadConsumersItemsAreTakenOverWithoutLossOrDuplicates()
    {
        var runner = new ScriptedRunner();
        await using var harness = await CreateHarnessAsync(runner);
        var job = await harness.CreateJobAsync(100);
        // A consumer that read 30 items and died before acknowledging any; one of them had already killed its consumer
        // on every earlier delivery (its count is at the limit), so it must not run again.
        var taken = await harness.Redis.StreamReadGroupAsync(harness.Options.StreamKey, harness.Options.ConsumerGroup, "dead-consumer", ">", 30);
        await harness.Redis.ExecuteAsync("XCLAIM", harness.Options.StreamKey, harness.Options.ConsumerGroup, "dead-consumer", 0, taken[0].Id,
            "RETRYCOUNT", MaxAttempts);

        var live = await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal(30, taken.Length);
        Assert.Equal((BatchJobStates.Completed, 100, 1), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var results = await harness.ResultsAsync(job.Id);
        Assert.Equal(Enumerable.Range(0, 100), results.Select(result => result.ItemIndex));
        Assert.All(results, result => Assert.Equal(live.Name, result.ProcessedBy));
        Assert.Contains("Gave up after 3 attempts", results[0].Error);
        Assert.False(runner.Runs.ContainsKey(0));
        Assert.All(results.Skip(1).Take(29), result => Assert.Equal(2, result.Attempts));
        Assert.All(results.Skip(30), result => Assert.Equal(1, result.Attempts));
        Assert.All(Enumerable.Range(1, 99), i => Assert.Equal(1, runner.Runs[i]));
        var pending = await harness.Redis.StreamPendingAsync(harness.Options.StreamKey, harness.Options.ConsumerGroup);
        Assert.Equal(0, pending.PendingMessageCount);
        Assert.Equal(0, await harness.Redis.StreamLengthAsync(harness.Options.StreamKey));
    }

    [Fact]
    public async Task RedeliveredItemsWhoseResultsAreStoredAreAcknowledgedWithoutRunningAgain()
    {
        var runner = new ScriptedRunner();
        await using var harness = await CreateHarnessAsync(runner);
        var job = await harness.CreateJobAsync(10);
        // A consumer read every item, stored the results of the first four and stalled (or died) before acknowledging
        // them: past ReclaimAfter its entries look abandoned and are taken over.
        var taken = await harness.Redis.StreamReadGroupAsync(harness.Options.StreamKey, harness.Options.ConsumerGroup, "stalled-consumer", ">", 10);
        BatchJobResult[] storedFirst = [.. taken.Take(4).Select((_, index) => new BatchJobResult
        {
            JobId = job.Id, ItemIndex = index, Succeeded = true, Label = "stored before the stall", Score = 0.5f, Attempts = 1,
        })];
        await harness.Store.RecordResultsAsync(job.Id, storedFirst, "stalled-consumer", TestContext.Current.CancellationToken);

        await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((10, BatchJobStates.Completed, 10, 0), (taken.Length, finished.State, finished.ProcessedItems, finished.FailedItems));
        var results = await harness.ResultsAsync(job.Id);
        Assert.Equal(Enumerable.Range(0, 10), results.Select(result => result.ItemIndex));
        Assert.All(results.Take(4), result => Assert.Equal(("stored before the stall", "stalled-consumer"), (result.Label, result.ProcessedBy)));
        Assert.Equal(Enumerable.Range(4, 6), runner.Runs.Keys.Order());
        Assert.All(runner.Runs.Values, runs => Assert.Equal(1, runs));
        var pending = await harness.Redis.StreamPendingAsync(harness.Options.StreamKey, harness.Options.ConsumerGroup);
        Assert.Equal(0, pending.PendingMessageCount);
        Assert.Equal(0, await harness.Redis.StreamLengthAsync(harness.Options.StreamKey));
    }

    [Fact]
    public async Task ConsumerWhoseEntriesIdlePastReclaimAfterWhileRunningDoesNotRunThemAgain()
    {
        var runner = new ScriptedRunner(delay: TimeSpan.FromSeconds(2));
        await using var harness = await CreateHarnessAsync(runner);
        var job = await harness.CreateJobAsync(4);
        var (key, group) = (harness.Options.StreamKey, harness.Options.ConsumerGroup);

        var consumer = await harness.StartConsumerAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (runner.Calls.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "The consumer never started the items.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        // While the items run, make their entries look idle for a minute, as a stall that held back the heartbeat would:
        // the consumer's own reclaim then gets them back from XAUTOCLAIM.
        var running = await harness.Redis.StreamPendingMessagesAsync(key, group, 10, consumer.Name);
        var stalledUntil = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        while (DateTime.UtcNow < stalledUntil)
        {
            await harness.Redis.ExecuteAsync("XCLAIM", [key, group, consumer.Name, 0, .. running.Select(entry => (object)entry.MessageId), "IDLE", 60_000, "JUSTID"]);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((4, BatchJobStates.Completed, 4), (running.Length, finished.State, finished.ProcessedItems));
        Assert.Equal(Enumerable.Range(0, 4), runner.Runs.Keys.Order());
        Assert.All(runner.Runs.Values, runs => Assert.Equal(1, runs));
    }

    [Fact]
    public async Task WhileOnlineTrafficLastsTheConsumerRunsOneSmallBurstAtATimeAndRests()
    {
        var runner = new ScriptedRunner(delay: TimeSpan.FromMilliseconds(10), onlineTraffic: true);
        await using var harness = await CreateHarnessAsync(runner, options =>
        {
            options.BurstWhileOnline = 4;
            options.RestWhileOnline = 3;
        });
        var job = await harness.CreateJobAsync(64);

        var started = DateTime.UtcNow;
        await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal((BatchJobStates.Completed, 64), (finished.State, finished.ProcessedItems));
        Assert.All(runner.Calls, call => Assert.Equal((4, 1), call));
        // 16 bursts of at least 10 ms, each followed by a rest three times as long.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(16 * 40), $"finished in {elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task BurstsAFailureLeftUnrunWhileYieldingAreTakenOverAndTheJobCompletes()
    {
        var failed = 0;
        // The first burst fails as a whole (as when Redis times out acknowledging it); the bursts after it never ran.
        var runner = new ScriptedRunner(item => item.ItemIndex == 0 && Interlocked.Exchange(ref failed, 1) == 0
            ? throw new InvalidOperationException("the stream timed out") : null, onlineTraffic: true);
        await using var harness = await CreateHarnessAsync(runner, options =>
        {
            options.BurstWhileOnline = 4;
            options.RestWhileOnline = 0.1;
        });
        var job = await harness.CreateJobAsync(16);

        await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((BatchJobStates.Completed, 16, 0), (finished.State, finished.ProcessedItems, finished.FailedItems));
        Assert.Equal(Enumerable.Range(0, 16), (await harness.ResultsAsync(job.Id)).Select(result => result.ItemIndex));
    }

    [Fact]
    public async Task TwoConsumersShareTheWorkAndEachItemRunsOnce()
    {
        var runner = new ScriptedRunner(delay: TimeSpan.FromMilliseconds(20));
        // Neither consumer stops, so nothing should be taken over: a lease well above the stalls a loaded machine has
        // (600 ms is not) keeps a live consumer's running items its own, as ReclaimAfter's 30 s default does in production.
        await using var harness = await CreateHarnessAsync(runner, options => options.ReclaimAfter = TimeSpan.FromSeconds(10));
        var job = await harness.CreateJobAsync(400);

        var first = await harness.StartConsumerAsync();
        var second = await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((BatchJobStates.Completed, 400, 0), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var results = await harness.ResultsAsync(job.Id);
        Assert.Equal(Enumerable.Range(0, 400), results.Select(result => result.ItemIndex));
        var shares = results.GroupBy(result => result.ProcessedBy).ToDictionary(group => group.Key!, group => group.Count());
        Assert.Equal(new[] { first.Name, second.Name }.Order(), shares.Keys.Order());
        Assert.All(shares.Values, share => Assert.InRange(share, 50, 350));
        Assert.All(runner.Runs.Values, runs => Assert.Equal(1, runs));
    }
}
