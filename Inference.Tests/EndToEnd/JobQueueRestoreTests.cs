using Inference.Api.Data;
using Inference.Api.Jobs;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// Jobs survive their queue losing its data: Postgres holds every accepted item, and the consumer that re-creates the
/// lost group re-queues every item not yet done, each stored exactly once. Real Redis and Postgres, scripted runner.
/// </summary>
public sealed class JobQueueRestoreTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JobWhoseQueueLostItsDataMidwayIsRestoredFromPostgresAndEveryItemIsStoredOnce()
    {
        const int items = 300;
        var runner = new ScriptedRunner(delay: TimeSpan.FromMilliseconds(30));
        await using var harness = await JobConsumerHarness.CreateAsync(fixture, runner);
        var job = await harness.CreateStoredJobAsync(items);
        await harness.StartConsumerAsync();
        await Eventually.PollAsync(async token => (await harness.Store.FindAsync(job.Id, token))!, running => running.ProcessedItems >= 50,
            TimeSpan.FromSeconds(60), running => $"only {running.ProcessedItems} items done", Cancellation, TimeSpan.FromMilliseconds(50));

        // Redis loses its data: the stream, its consumer group and every pending entry are gone.
        await harness.Redis.KeyDeleteAsync(harness.Options.StreamKey);
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((BatchJobStates.Completed, items, 0), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var results = await harness.ResultsAsync(job.Id);
        Assert.Equal(Enumerable.Range(0, items), results.Select(result => result.ItemIndex));
        Assert.Equal(Enumerable.Range(0, items), runner.Runs.Keys.Order());
        // Only items in flight when the data vanished (at most two micro-batches) may have run twice; their result counts once.
        var inFlight = harness.Options.ReadBatchSize * harness.Options.ConcurrentBatches;
        Assert.True(runner.Runs.Count(run => run.Value > 1) <= inFlight, $"{runner.Runs.Count(run => run.Value > 1)} items ran more than once");
        Assert.False(await harness.Redis.KeyExistsAsync(harness.Options.StreamKey + ":restore-pending"));
    }

    [Fact]
    public async Task RestoreLeftUnfinishedByAStoppedProcessIsFinishedByTheNextConsumer()
    {
        var runner = new ScriptedRunner();
        await using var harness = await JobConsumerHarness.CreateAsync(fixture, runner);
        // The queue was re-created, but the process owing the restore stopped before re-adding anything.
        await harness.Stream.EnsureGroupAsync();
        var job = await harness.CreateStoredJobAsync(40, addToStream: false);
        await harness.Redis.StringSetAsync(harness.Options.StreamKey + ":restore-pending", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((BatchJobStates.Completed, 40), (finished.State, finished.ProcessedItems));
        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(1, runner.Runs[i]));
        Assert.False(await harness.Redis.KeyExistsAsync(harness.Options.StreamKey + ":restore-pending"));
    }

    [Fact]
    public async Task RestoredItemWhoseResultIsAlreadyStoredIsSettledWithoutRunning()
    {
        var runner = new ScriptedRunner();
        await using var harness = await JobConsumerHarness.CreateAsync(fixture, runner);
        await harness.Stream.EnsureGroupAsync();
        var job = await harness.CreateStoredJobAsync(10, addToStream: false);
        await harness.Store.RecordResultsAsync(job.Id, [new BatchJobResult { JobId = job.Id, ItemIndex = 3, Succeeded = true, Label = "earlier", Attempts = 1 }],
            "earlier-consumer", Cancellation);
        // Entries re-added by a restore, one of them for an item that finished meanwhile (in flight when the queue was lost).
        await harness.Stream.AddAsync(job.Id, [.. Enumerable.Range(0, 10).Select(i => new JobItem(i, $"item {i}", null))], Cancellation, restored: true);

        await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((BatchJobStates.Completed, 10), (finished.State, finished.ProcessedItems));
        Assert.False(runner.Runs.ContainsKey(3));
        Assert.Equal("earlier", (await harness.ResultsAsync(job.Id)).Single(result => result.ItemIndex == 3).Label);
    }
}
