using Inference.Api.Data;
using Inference.Api.Jobs;

namespace Inference.Tests.EndToEnd;

/// <summary>The job store's own guarantees, against the AppHost's real Postgres.</summary>
public sealed class BatchJobStoreTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ItemStoredTwiceKeepsItsFirstResultAndCountsOnce()
    {
        await using var harness = await JobConsumerHarness.CreateAsync(fixture, new ScriptedRunner());
        var job = await harness.CreateJobAsync(3);

        var first = await harness.Store.RecordResultsAsync(job.Id, [Succeeded(job, 0, "positive"), Succeeded(job, 1, "negative")], "first", Cancellation);
        // Item 0 again, as a redelivery after "stored but not acknowledged" would store it: another answer, and a failure.
        var redelivered = await harness.Store.RecordResultsAsync(job.Id, [Failed(job, 0), Succeeded(job, 2, "positive")], "second", Cancellation);
        var onlyTheDuplicate = await harness.Store.RecordResultsAsync(job.Id, [Succeeded(job, 0, "negative")], "third", Cancellation);
        var stored = await harness.Store.StoredItemsAsync(job.Id, [0, 2, 7], Cancellation);

        Assert.Equal((true, true, false), (first, redelivered, onlyTheDuplicate));
        var finished = (await harness.Store.FindAsync(job.Id, Cancellation))!;
        Assert.Equal((BatchJobStates.Completed, 3, 0), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var results = await harness.ResultsAsync(job.Id);
        (int, bool, string?, string?)[] expected = [(0, true, "positive", "first"), (1, true, "negative", "first"), (2, true, "positive", "second")];
        Assert.Equal(expected, results.Select(result => (result.ItemIndex, result.Succeeded, result.Label, result.ProcessedBy)));
        Assert.Equal([0, 2], stored.Order().ToArray());
    }

    private static BatchJobResult Succeeded(BatchJob job, int item, string label) => new()
    {
        JobId = job.Id, ItemIndex = item, Succeeded = true, Label = label, Score = 0.9f, Attempts = 1,
    };

    private static BatchJobResult Failed(BatchJob job, int item) => new()
    {
        JobId = job.Id, ItemIndex = item, Succeeded = false, Error = "a later attempt failed", Attempts = 2,
    };
}
