using Npgsql;
using StackExchange.Redis;

namespace Inference.Tests.EndToEnd;

/// <summary>Batch jobs across two API replicas (a consumer in each), including every API process dying mid-job.</summary>
[Collection(ReplicatedApiCollection.Name)]
public sealed class ReplicatedBatchJobTests(ReplicatedApiFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoReplicasShareTheWork()
    {
        var submitted = await BatchJobClient.SubmitAsync(fixture.Api, new { items = BatchJobClient.Reviews(3000, " (shared)") });
        var job = await BatchJobClient.WaitAsync(fixture.Api, submitted.Id, JobTimeout);

        Assert.Equal(("completed", 3000, 0), (job.State, job.ProcessedItems, job.FailedItems));
        var results = await BatchJobClient.ReadAllResultsAsync(fixture.Api, job.Id, pageSize: 1000);
        Assert.Equal(Enumerable.Range(0, 3000), results.Select(result => result.Index));
        var shares = results.GroupBy(result => result.ProcessedBy).Select(group => group.Count()).ToArray();
        Assert.Equal(ReplicatedApiFixture.Replicas, shares.Length);
        Assert.All(shares, share => Assert.InRange(share, 300, 2700));
    }

    [Fact]
    public async Task BatchJobSurvivesKillingEveryApiProcessMidJob()
    {
        var texts = BatchJobClient.Reviews(10_000, " (killed)");
        var submitted = await BatchJobClient.SubmitAsync(fixture.Api, new { items = texts });
        await BatchJobClient.WaitAsync(fixture.Api, submitted.Id, JobTimeout, job => job.ProcessedItems >= 500);

        var killed = await fixture.KillApiProcessesAsync(Cancellation);
        var atKill = await ReadJobRowAsync(submitted.Id);
        var pendingAtKill = await PendingEntriesAsync();
        await fixture.StartApiAsync(Cancellation);
        await fixture.WaitForHealthyReplicasAsync(killed, Cancellation);
        var job = await BatchJobClient.WaitAsync(fixture.Api, submitted.Id, JobTimeout);

        Assert.InRange(atKill.Processed, 500, 9_999);
        Assert.True(pendingAtKill > 0, "the killed processes held no unacknowledged items");
        Assert.Equal(("completed", 10_000, 0), (job.State, job.ProcessedItems, job.FailedItems));
        var results = await BatchJobClient.ReadAllResultsAsync(fixture.Api, job.Id, pageSize: 1000);
        Assert.Equal(Enumerable.Range(0, 10_000), results.Select(result => result.Index));
        Assert.All(results, result => Assert.Equal(texts[result.Index], result.Input));
        Assert.Equal((10_000L, 10_000L), await CountResultRowsAsync(job.Id));
        // Items the dead processes held were taken over (a second delivery); processes before and after both worked.
        Assert.Contains(results, result => result.Attempts == 2);
        Assert.True(results.Select(result => result.ProcessedBy).Distinct().Count() > ReplicatedApiFixture.Replicas);
        Assert.Equal(0, await PendingEntriesAsync());
    }

    private async Task<long> PendingEntriesAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.GetConnectionStringAsync("redis"));
        var pending = await redis.GetDatabase().StreamPendingAsync("inference:jobs:items", "inference-api");
        return pending.PendingMessageCount;
    }

    private async Task<(string State, int Processed)> ReadJobRowAsync(Guid jobId)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("inferencedb"));
        await connection.OpenAsync(Cancellation);
        await using var query = new NpgsqlCommand("""SELECT "State", "ProcessedItems" FROM batch_jobs WHERE "Id" = @job""", connection);
        query.Parameters.AddWithValue("job", jobId);
        await using var reader = await query.ExecuteReaderAsync(Cancellation);
        await reader.ReadAsync(Cancellation);
        return (reader.GetString(0), reader.GetInt32(1));
    }

    private async Task<(long Rows, long Distinct)> CountResultRowsAsync(Guid jobId)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("inferencedb"));
        await connection.OpenAsync(Cancellation);
        await using var query = new NpgsqlCommand(
            """SELECT count(*), count(DISTINCT "ItemIndex") FROM batch_job_results WHERE "JobId" = @job""", connection);
        query.Parameters.AddWithValue("job", jobId);
        await using var reader = await query.ExecuteReaderAsync(Cancellation);
        await reader.ReadAsync(Cancellation);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
