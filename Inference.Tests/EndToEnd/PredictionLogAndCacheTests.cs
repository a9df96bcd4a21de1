using System.Net.Http.Json;
using Npgsql;
using StackExchange.Redis;

namespace Inference.Tests.EndToEnd;

public sealed class PredictionLogAndCacheTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryPredictionLandsInPostgres()
    {
        var text = $"The delivery was quick and the quality is excellent ({Guid.NewGuid():N})";

        var prediction = await PredictAsync(text);

        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("inferencedb"));
        await connection.OpenAsync(Cancellation);
        var row = await PollAsync(async () =>
        {
            await using var query = new NpgsqlCommand(
                """SELECT "Model", "ModelVersion", "Route", "Label", "Cached", length("InputHash") FROM predictions WHERE "InputPreview" = @text""", connection);
            query.Parameters.AddWithValue("text", text);
            await using var reader = await query.ExecuteReaderAsync(Cancellation);
            return await reader.ReadAsync(Cancellation)
                ? (Model: reader.GetString(0), Version: reader.GetInt32(1), Route: reader.GetString(2), Label: reader.GetString(3), Cached: reader.GetBoolean(4), HashLength: reader.GetInt32(5))
                : default((string Model, int Version, string Route, string Label, bool Cached, int HashLength)?);
        });

        Assert.Equal(("sentiment", 1, "predict/text", prediction.Label, false, 64), row);
    }

    [Fact]
    public async Task SecondIdenticalRequestIsACacheHitStoredInRedis()
    {
        var text = $"Not worth the money at all ({Guid.NewGuid():N})";

        var first = await PredictAsync(text);
        var second = await PredictAsync(text);

        Assert.False(first.Cached);
        Assert.True(second.Cached);
        Assert.Equal(first.Label, second.Label);
        Assert.Equal(first.Score, second.Score);

        var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.GetConnectionStringAsync("redis"));
        await using (redis)
        {
            var server = redis.GetServers()[0];
            var keys = await PollAsync(() => Task.FromResult<RedisKey[]?>(
                server.Keys(pattern: "inference:prediction:sentiment:1:*").ToArray() is { Length: > 0 } found ? found : null));
            Assert.NotEmpty(keys!);
        }
    }

    [Fact]
    public async Task DifferentTextsAreNotConfusedByTheCache()
    {
        var suffix = Guid.NewGuid().ToString("N");

        var good = await PredictAsync($"Absolutely fantastic, I am delighted {suffix}");
        var bad = await PredictAsync($"Absolutely horrible, I am furious {suffix}");

        Assert.Equal("positive", good.Label);
        Assert.Equal("negative", bad.Label);
    }

    private async Task<PredictionDto> PredictAsync(string text)
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text }, Cancellation);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PredictionDto>(Cancellation))!;
    }

    /// <summary>The log and cache are written off the request path; wait a bounded time for them.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe) =>
        (await Eventually.PollAsync(_ => probe(), value => value is not null, TimeSpan.FromSeconds(15),
            _ => "the expected row or key did not appear", Cancellation))!;
}
