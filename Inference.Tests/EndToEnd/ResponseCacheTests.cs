using System.Net.Http.Json;

namespace Inference.Tests.EndToEnd;

public sealed class ResponseCacheTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RepeatedRequestIsServedFromTheCacheAndSaysSo()
    {
        var body = new { text = $"A charming, well acted film ({Guid.NewGuid():N})" };

        var first = await PredictionCalls.PredictTextAsync(fixture.Api, body);
        var second = await PredictionCalls.PredictTextAsync(fixture.Api, body);

        Assert.Equal(("MISS", false, 1), (first.CacheHeader, first.Prediction.Cached, first.VersionHeader));
        Assert.Equal(("HIT", true, 1), (second.CacheHeader, second.Prediction.Cached, second.VersionHeader));
        Assert.Equal(first.Prediction.Score, second.Prediction.Score);
    }

    [Fact]
    public async Task EachVersionAnswersFromItsOwnCacheEntries()
    {
        var text = $"The same words for two versions ({Guid.NewGuid():N})";
        async Task<(string Cache, int Header, int Answered)> AskAsync(int version)
        {
            var served = await PredictionCalls.PredictTextAsync(fixture.Api, new { text, model = ReferenceModelRoot.CachedVersionsModel, version });
            return (served.CacheHeader, served.VersionHeader, served.Prediction.Version);
        }

        var firstOnOne = await AskAsync(1);
        var firstOnTwo = await AskAsync(2);
        var againOnOne = await AskAsync(1);
        var againOnTwo = await AskAsync(2);

        // Both versions run the same file, so only the version in the key keeps version 2 from answering with version 1's entry.
        Assert.Equal([("MISS", 1, 1), ("MISS", 2, 2), ("HIT", 1, 1), ("HIT", 2, 2)], [firstOnOne, firstOnTwo, againOnOne, againOnTwo]);
    }

    [Fact]
    public async Task ReloadingEvenTheSameFileStopsServingOlderAnswers()
    {
        var body = new { text = $"The plot made no sense ({Guid.NewGuid():N})", model = ReferenceModelRoot.ReloadModel };
        Assert.Equal("MISS", (await PredictionCalls.PredictTextAsync(fixture.Api, body)).CacheHeader);
        Assert.Equal("HIT", (await PredictionCalls.PredictTextAsync(fixture.Api, body)).CacheHeader);

        var reload = await fixture.AdminApi.PostAsync($"/api/admin/models/{ReferenceModelRoot.ReloadModel}/load", null, Cancellation);
        reload.EnsureSuccessStatusCode();

        Assert.Equal("MISS", (await PredictionCalls.PredictTextAsync(fixture.Api, body)).CacheHeader);
        Assert.Equal("HIT", (await PredictionCalls.PredictTextAsync(fixture.Api, body)).CacheHeader);
    }

    [Fact]
    public async Task RequestsCanOptOutOfTheCache()
    {
        var text = $"Decent but forgettable ({Guid.NewGuid():N})";

        var noCacheHeader = await PredictionCalls.PredictTextAsync(fixture.Api, new { text },
            headers: new Dictionary<string, string> { ["Cache-Control"] = "no-cache" });
        var noStoreHeader = await PredictionCalls.PredictTextAsync(fixture.Api, new { text },
            headers: new Dictionary<string, string> { ["Cache-Control"] = "no-store" });
        var query = await PredictionCalls.PredictTextAsync(fixture.Api, new { text }, "?cache=false");
        var bodyField = await PredictionCalls.PredictTextAsync(fixture.Api, new { text, cache = false });
        // Bypassing requests store nothing either: the first cached request still misses.
        var cached = await PredictionCalls.PredictTextAsync(fixture.Api, new { text });

        Assert.Equal(["BYPASS", "BYPASS", "BYPASS", "BYPASS", "MISS"],
            [noCacheHeader.CacheHeader, noStoreHeader.CacheHeader, query.CacheHeader, bodyField.CacheHeader, cached.CacheHeader]);
        Assert.All([noCacheHeader, noStoreHeader, query, bodyField], served => Assert.False(served.Prediction.Cached));
    }

    [Fact]
    public async Task ModelSettingsChooseHowLongAnswersAreCachedOrWhetherAtAll()
    {
        var shortLived = new { text = $"Great soundtrack ({Guid.NewGuid():N})", model = ReferenceModelRoot.ShortCacheModel };
        var uncached = new { text = $"Great soundtrack ({Guid.NewGuid():N})", model = ReferenceModelRoot.UncachedModel };

        var first = await PredictionCalls.PredictTextAsync(fixture.Api, shortLived);
        var second = await PredictionCalls.PredictTextAsync(fixture.Api, shortLived);
        await Task.Delay(TimeSpan.FromSeconds(ReferenceModelRoot.ShortCacheSeconds + 1), Cancellation);
        var afterExpiry = await PredictionCalls.PredictTextAsync(fixture.Api, shortLived);
        var neverCached = await PredictionCalls.PredictTextAsync(fixture.Api, uncached);
        var stillNotCached = await PredictionCalls.PredictTextAsync(fixture.Api, uncached);

        Assert.Equal(["MISS", "HIT", "MISS", "BYPASS", "BYPASS"],
            [first.CacheHeader, second.CacheHeader, afterExpiry.CacheHeader, neverCached.CacheHeader, stillNotCached.CacheHeader]);
    }

    [Fact]
    public async Task ConcurrentIdenticalMissesRunTheModelOnce()
    {
        const int Requests = 24;
        var text = $"Stampede protection keeps the model calm ({Guid.NewGuid():N})";

        using var start = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, Requests).Select(async _ =>
        {
            await start.WaitAsync(Cancellation);
            return await PredictionCalls.PredictTextAsync(fixture.Api, new { text });
        }).ToArray();
        start.Release(Requests);
        var served = await Task.WhenAll(calls);

        Assert.Single(served, call => call.CacheHeader == "MISS");
        Assert.Equal(Requests - 1, served.Count(call => call.CacheHeader == "HIT"));
        // The log agrees: one computed answer, the rest from the cache.
        var computed = await PredictionCalls.PollCountAsync(await fixture.GetConnectionStringAsync("inferencedb"),
            """SELECT count(*) FILTER (WHERE NOT "Cached") * 1000 + count(*) FROM predictions WHERE "InputPreview" = @text""",
            count => count == 1000 + Requests, parameters: ("text", text));
        Assert.Equal(1000 + Requests, computed);
    }
}
