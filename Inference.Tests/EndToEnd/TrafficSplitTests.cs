using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.Protocol;

namespace Inference.Tests.EndToEnd;

// Shadow copies share a small per-replica concurrency bound; these classes would skip each other's copies if run together.
[Collection("Shadow traffic")]
public sealed class TrafficSplitTests(AppHostFixture fixture)
{
    private const string Model = ReferenceModelRoot.TwoVersionModel;
    private static readonly string TrafficRoute = $"/api/admin/models/{Model}/traffic";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NinetyTenSplitLandsWithinTolerance()
    {
        const int Requests = 2000;
        await PutSplitAsync(new { weights = new Dictionary<string, double> { ["1"] = 90, ["2"] = 10 } });

        // No client id: each request draws afresh; cache=false so every request really runs its version.
        var versions = new int[Requests];
        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancellation }, async (index, _) =>
        {
            var served = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"An ordinary evening {index}", model = Model, cache = false });
            Assert.Equal("BYPASS", served.CacheHeader);
            Assert.Equal(served.Prediction.Version, served.VersionHeader);
            versions[index] = served.VersionHeader;
        });

        var canaryShare = versions.Count(version => version == 2) / (double)Requests;
        Assert.Equal(Requests, versions.Count(version => version is 1 or 2));
        // Binomial standard deviation is 0.67 points; ±2.5 points is 3.7 of them.
        Assert.InRange(canaryShare, 0.075, 0.125);
    }

    [Fact]
    public async Task StickyIdsKeepTheirVersionWhileTheSplitIsUnchanged()
    {
        await PutSplitAsync(new { weights = new Dictionary<string, double> { ["1"] = 50, ["2"] = 50 } });

        var assigned = new Dictionary<string, int>();
        foreach (var client in Enumerable.Range(0, 40).Select(index => $"client-{index}"))
        {
            var seen = new HashSet<int>();
            for (var attempt = 0; attempt < 4; attempt++)
            {
                var text = $"Sticky {client} {attempt}";
                // The body field and the header are two ways to name the same client.
                var served = attempt % 2 == 0
                    ? await PredictionCalls.PredictTextAsync(fixture.Api, new { text, model = Model, clientId = client })
                    : await PredictionCalls.PredictTextAsync(fixture.Api, new { text, model = Model },
                        headers: new Dictionary<string, string> { ["X-Client-Id"] = client });
                seen.Add(served.VersionHeader);
            }

            assigned[client] = Assert.Single(seen);
        }

        // 40 clients split 50/50 all landing on one version would be a 1 in 2^39 event.
        Assert.Equal([1, 2], assigned.Values.Distinct().Order());
    }

    [Fact]
    public async Task ExplicitVersionOverridesTheSplit()
    {
        await PutSplitAsync(new { weights = new Dictionary<string, double> { ["1"] = 0, ["2"] = 100 } });

        var routed = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = "Routed by the split", model = Model, cache = false });
        var pinned = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = "Pinned to one", model = Model, version = 1, cache = false });

        Assert.Equal(2, routed.VersionHeader);
        Assert.Equal((1, 1), (pinned.VersionHeader, pinned.Prediction.Version));
    }

    [Fact]
    public async Task ShadowAnswersAreLoggedButNeverReturned()
    {
        await PutSplitAsync(new { weights = new Dictionary<string, double> { ["1"] = 100 }, shadowVersion = 2, shadowShare = 1.0 });
        var marker = Guid.NewGuid().ToString("N");

        for (var index = 0; index < 5; index++)
        {
            var served = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Shadowed review {index} {marker}", model = Model });
            Assert.Equal((1, 1), (served.VersionHeader, served.Prediction.Version));
        }

        var connectionString = await fixture.GetConnectionStringAsync("inferencedb");
        var shadowRows = await PredictionCalls.PollCountAsync(connectionString,
            """SELECT count(*) FROM predictions WHERE "InputPreview" LIKE @pattern AND "Shadow" AND "ModelVersion" = 2 AND "Outcome" = 'success'""",
            count => count == 5, parameters: ("pattern", $"%{marker}"));
        var servedRows = await PredictionCalls.PollCountAsync(connectionString,
            """SELECT count(*) FROM predictions WHERE "InputPreview" LIKE @pattern AND NOT "Shadow" AND "ModelVersion" = 1""",
            count => count == 5, parameters: ("pattern", $"%{marker}"));
        Assert.Equal((5, 5), (shadowRows, servedRows));
    }

    [Fact]
    public async Task SplitCanBeReadAndRemoved()
    {
        await PutSplitAsync(new { weights = new Dictionary<string, double> { ["1"] = 70, ["2"] = 30 }, shadowVersion = 2, shadowShare = 0.25 });

        var split = await fixture.AdminApi.GetFromJsonAsync<SplitDto>(TrafficRoute, Cancellation);
        var deleted = await fixture.AdminApi.DeleteAsync(TrafficRoute, Cancellation);
        var afterDelete = await fixture.AdminApi.GetAsync(TrafficRoute, Cancellation);
        var servedWithoutSplit = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = "No split any more", model = Model, cache = false });

        Assert.Equal((Model, 70.0, 30.0, 2, 0.25), (split!.Model, split.Weights[1], split.Weights[2], split.ShadowVersion, split.ShadowShare));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
        Assert.Equal(2, servedWithoutSplit.VersionHeader);
    }

    [Fact]
    public async Task UnloadedVersionDropsOutOfTheSplitAndTheOthersKeepServing()
    {
        await PutSplitAsync(new { weights = new Dictionary<string, double> { ["1"] = 50, ["2"] = 50 } });
        var versionTwo = Path.Combine(fixture.ReferenceModelsPath, Model, "2");
        Directory.Move(versionTwo, versionTwo + ".off");
        try
        {
            // The reload leaves version 1 only; the split still names version 2.
            (await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/load", null, Cancellation)).EnsureSuccessStatusCode();
            var versions = new List<int>();
            for (var index = 0; index < 20; index++)
            {
                versions.Add((await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Half of the split is gone {index}", model = Model, cache = false })).VersionHeader);
            }

            Assert.All(versions, version => Assert.Equal(1, version));
        }
        finally
        {
            Directory.Move(versionTwo + ".off", versionTwo);
            (await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/load", null, Cancellation)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheTrafficAndAnalyticsRoutes()
    {
        var document = await fixture.Api.GetStringAsync("/openapi/v1.json", Cancellation);

        Assert.Contains("/api/admin/models/{name}/traffic", document);
        Assert.Contains("/api/admin/analytics/models/{name}", document);
        Assert.Contains("/api/admin/analytics/models/{name}/compare", document);
    }

    public static TheoryData<string, string> InvalidSplits => new()
    {
        { """{"weights": {"1": -5, "2": 10}}""", "version 1" },
        { """{"weights": {"1": 0, "2": 0}}""", "more than 0" },
        { """{"weights": {}}""", "at least one version" },
        { """{"shadowVersion": 2, "shadowShare": 0.5}""", "at least one version" },
        { """{"weights": {"1": 50, "7": 50}}""", "7" },
        { """{"weights": {"1": 100}, "shadowVersion": 2, "shadowShare": 1.5}""", "between 0 and 1" },
        { """{"weights": {"1": 100}, "shadowShare": 0.5}""", "shadowVersion" },
        { """{"weights": {"1": 100}, "shadowVersion": 9, "shadowShare": 0.5}""", "9" },
    };

    [Theory]
    [MemberData(nameof(InvalidSplits))]
    public async Task InvalidSplitIsRefusedWith400(string body, string expectedInDetail)
    {
        var response = await fixture.AdminApi.PutAsync($"/api/admin/models/{ReferenceModelRoot.AnalyticsModel}/traffic",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDto>(Cancellation);
        Assert.Contains(expectedInDetail, problem!.Detail);
    }

    [Fact]
    public async Task SplitForAnUnknownModelIs404()
    {
        var response = await fixture.AdminApi.PutAsJsonAsync("/api/admin/models/no-such-model/traffic",
            new { weights = new Dictionary<string, double> { ["1"] = 100 } }, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ProtocolRequestsWithoutAVersionFollowTheSplitOverRestAndGrpc()
    {
        await PutSplitAsync(new { weights = new Dictionary<string, double> { ["1"] = 0, ["2"] = 100 } });
        const string Tokens = """
            {"inputs": [
                {"name": "input_ids", "shape": [1, 3], "datatype": "INT64", "data": [2, 7, 3]},
                {"name": "attention_mask", "shape": [1, 3], "datatype": "INT64", "data": [1, 1, 1]}]}
            """;
        using var channel = GrpcTensors.Channel(fixture.GrpcEndpoint);
        var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        async Task<string?> RestVersionAsync(string path)
        {
            var response = await fixture.Api.PostAsync(path, new StringContent(Tokens), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
            return body.RootElement.GetProperty("model_version").GetString();
        }

        async Task<string> GrpcVersionAsync(string version)
        {
            var request = new ModelInferRequest { ModelName = Model, ModelVersion = version };
            foreach (var (name, values) in new[] { ("input_ids", new long[] { 2, 7, 3 }), ("attention_mask", new long[] { 1, 1, 1 }) })
            {
                var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "INT64", Contents = new InferTensorContents() };
                input.Shape.Add([1, 3]);
                input.Contents.Int64Contents.Add(values);
                request.Inputs.Add(input);
            }
            return (await grpc.ModelInferAsync(request, cancellationToken: Cancellation)).ModelVersion;
        }

        try
        {
            Assert.Equal("2", await RestVersionAsync($"/v2/models/{Model}/infer"));
            Assert.Equal("1", await RestVersionAsync($"/v2/models/{Model}/versions/1/infer"));
            Assert.Equal("2", await GrpcVersionAsync(""));
            Assert.Equal("1", await GrpcVersionAsync("1"));
        }
        finally
        {
            await fixture.AdminApi.DeleteAsync(TrafficRoute, Cancellation);
        }
    }

    private async Task PutSplitAsync(object split)
    {
        var response = await fixture.AdminApi.PutAsJsonAsync(TrafficRoute, split, Cancellation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    private sealed record SplitDto(string Model, Dictionary<int, double> Weights, int? ShadowVersion, double ShadowShare);
}
