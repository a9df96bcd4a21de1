using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// The product's flows in embedded mode (SQLite, in-process coordination, no Postgres, Redis or container): predictions
/// over /api, /v2 and gRPC, the log and analytics, traffic splits, keys, and a batch job that resumes after the API
/// restarts, with every item stored once.
/// </summary>
public sealed class EmbeddedModeTests(EmbeddedAppHostFixture fixture) : IClassFixture<EmbeddedAppHostFixture>
{
    private const string TwoVersions = ReferenceModelRoot.TwoVersionModel;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void EmbeddedModeStartsNoPostgresRedisOrContainer()
    {
        var resources = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources;

        Assert.DoesNotContain(resources, resource => resource is ContainerResource or IResourceWithConnectionString);
        Assert.DoesNotContain(resources, resource => resource.Name is "postgres" or "redis" or "inferencedb");
        Assert.Equal([AppHostFixtureBase.ApiResource, AppHostFixtureBase.DashboardResource],
            resources.OfType<ProjectResource>().Select(project => project.Name).Order());
        Assert.True(File.Exists(fixture.DatabasePath), $"no SQLite file at {fixture.DatabasePath}");
    }

    [Fact]
    public async Task PredictionsAnswerOverRestV2AndGrpcWithTheCacheInProcess()
    {
        var text = $"A warm, funny and moving film {Guid.NewGuid():N}";
        var first = await PredictionCalls.PredictTextAsync(fixture.Api, new { text, model = "sentiment" });
        var second = await PredictionCalls.PredictTextAsync(fixture.Api, new { text, model = "sentiment" });
        Assert.Equal(("positive", "MISS", "HIT"), (first.Prediction.Label, first.CacheHeader, second.CacheHeader));

        var rest = await fixture.Api.PostAsync($"/v2/models/{TwoVersions}/versions/1/infer", new StringContent("""
            {"inputs": [
                {"name": "input_ids", "shape": [1, 3], "datatype": "INT64", "data": [2, 7, 3]},
                {"name": "attention_mask", "shape": [1, 3], "datatype": "INT64", "data": [1, 1, 1]}]}
            """), Cancellation);
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);

        using var channel = GrpcTensors.Channel(fixture.GrpcEndpoint);
        var request = new ModelInferRequest { ModelName = TwoVersions, ModelVersion = "1" };
        foreach (var (name, values) in new[] { ("input_ids", new long[] { 2, 7, 3 }), ("attention_mask", new long[] { 1, 1, 1 }) })
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "INT64", Contents = new InferTensorContents() };
            input.Shape.Add([1, 3]);
            input.Contents.Int64Contents.Add(values);
            request.Inputs.Add(input);
        }
        var grpc = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(request, cancellationToken: Cancellation);
        Assert.Equal("1", grpc.ModelVersion);
    }

    [Fact]
    public async Task SplitRoutesAndTheLogFeedsAnalytics()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var route = $"/api/admin/models/{TwoVersions}/traffic";
        (await fixture.AdminApi.PutAsJsonAsync(route, new { weights = new Dictionary<string, double> { ["1"] = 0, ["2"] = 100 } }, Cancellation))
            .EnsureSuccessStatusCode();
        try
        {
            var marker = Guid.NewGuid().ToString("N");
            for (var index = 0; index < 4; index++)
            {
                var served = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Split {index} {marker}", model = TwoVersions, cache = false });
                Assert.Equal(2, served.VersionHeader);
            }
            await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Pinned {marker}", model = TwoVersions, version = 1, cache = false });
        }
        finally
        {
            await fixture.AdminApi.DeleteAsync(route, Cancellation);
        }

        // The log is written off the request path: wait until analytics counts all five.
        var window = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}";
        var counts = await Eventually.PollAsync(async token =>
        {
            using var analytics = JsonDocument.Parse(await fixture.AdminApi.GetStringAsync($"/api/admin/analytics/models/{TwoVersions}?{window}", token));
            return analytics.RootElement.GetProperty("served").EnumerateArray()
                .ToDictionary(version => version.GetProperty("version").GetInt32(), version => version.GetProperty("count").GetInt64());
        }, served => served.GetValueOrDefault(1) + served.GetValueOrDefault(2) >= 5, TimeSpan.FromSeconds(30),
            served => $"analytics counted {JsonSerializer.Serialize(served)}", Cancellation);
        Assert.Equal((1L, 4L), (counts[1], counts[2]));
    }

    [Fact]
    public async Task JobResumesAfterAnApiRestartAndKeysAndTheLogAreKept()
    {
        var key = await ApiKeyClient.CreateAsync(fixture.AdminApi, $"embedded-{Guid.NewGuid():N}", "infer");
        using var keyed = fixture.ClientWithKey(key.Key);
        var marker = Guid.NewGuid().ToString("N");
        await PredictionCalls.PredictTextAsync(keyed, new { text = $"Logged before the restart {marker}", model = "sentiment" });
        const int Items = 3000;
        var job = await BatchJobClient.SubmitAsync(keyed, new { model = "sentiment", items = BatchJobClient.Reviews(Items, marker) });

        // A crash, not a stop: whatever the worker had taken stays in the table and must run once after the restart.
        var killed = await fixture.KillApiProcessesAsync(Cancellation);
        var waiting = await CountQueuedItemsAsync(job.Id);
        await fixture.StartApiAsync(Cancellation);
        await fixture.WaitForHealthyReplicasAsync(killed, Cancellation);

        // The restart must have interrupted the job, or this test proves nothing about resuming it.
        Assert.InRange(waiting, 1, Items);
        var finished = await BatchJobClient.WaitAsync(keyed, job.Id, JobTimeout);
        Assert.Equal(("completed", Items, 0), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var results = await BatchJobClient.ReadAllResultsAsync(keyed, job.Id);
        Assert.Equal(Enumerable.Range(0, Items), results.Select(result => result.Index).Order());
        Assert.All(results, result => Assert.Equal(result.Index % 2 == 0 ? "positive" : "negative", result.Label));
        Assert.Equal(0, await CountQueuedItemsAsync(job.Id));

        // The key still works, and the prediction made before the restart is still in the log.
        using var history = JsonDocument.Parse(await fixture.AdminApi.GetStringAsync($"/api/admin/predictions?keyId={key.Id}&limit=10", Cancellation));
        Assert.Single(history.RootElement.GetProperty("items").EnumerateArray());
        await PredictionCalls.PredictTextAsync(keyed, new { text = $"After the restart {marker}", model = "sentiment" });
    }

    /// <summary>Items of the job still in the queue table, read from the SQLite file itself.</summary>
    private async Task<long> CountQueuedItemsAsync(Guid jobId)
    {
        await using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT count(*) FROM queued_job_items WHERE "JobId" = $job""";
        command.Parameters.AddWithValue("$job", jobId.ToString().ToUpperInvariant());
        return (long)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
