using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;

namespace Inference.Tests.EndToEnd;

/// <summary>Inference keeps answering while Postgres or Redis is down; the prediction log catches up afterwards.</summary>
[Collection(IsolatedApiCollection.Name)]
public sealed class DegradedDependencyTests(IsolatedApiFixture fixture)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InferenceKeepsAnsweringWhilePostgresIsDownAndTheLogCatchesUp()
    {
        var marker = Guid.NewGuid().ToString("N");
        var connectionString = await fixture.GetConnectionStringAsync("inferencedb");
        var sent = 0;

        await fixture.RunCommandAsync("postgres", KnownResourceCommands.StopCommand, Cancellation);
        try
        {
            var outage = Stopwatch.StartNew();
            while (outage.Elapsed < Outage)
            {
                var served = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Still answering {sent} {marker}" });
                Assert.Equal("MISS", served.CacheHeader);
                sent++;
                await Task.Delay(100, Cancellation);
            }
        }
        finally
        {
            await fixture.RunCommandAsync("postgres", KnownResourceCommands.StartCommand, Cancellation);
        }

        // Nothing was dropped (the queue holds far more), so every prediction reaches the log once Postgres is back.
        var logged = await PredictionCalls.PollCountAsync(connectionString,
            """SELECT count(*) FROM predictions WHERE "InputPreview" LIKE @pattern""", count => count == sent, TimeSpan.FromSeconds(60),
            ("pattern", $"%{marker}"));
        Assert.True(sent > 100, $"only {sent} requests were sent during the outage");
        Assert.Equal(sent, logged);
    }

    [Fact]
    public async Task InferenceKeepsAnsweringFromTheInProcessCacheWhileRedisIsDown()
    {
        var marker = Guid.NewGuid().ToString("N");
        await fixture.RunCommandAsync("redis", KnownResourceCommands.StopCommand, Cancellation);
        try
        {
            // The first requests after the stop may still meet a connection that has not yet noticed the outage;
            // once it has, repeats must come from memory.
            var outcomes = (First: "", Again: "");
            var clock = Stopwatch.StartNew();
            for (var attempt = 0; outcomes != ("MISS", "HIT") && clock.Elapsed < TimeSpan.FromSeconds(15); attempt++)
            {
                var text = $"Redis is away {attempt} {marker}";
                var first = await PredictionCalls.PredictTextAsync(fixture.Api, new { text });
                var again = await PredictionCalls.PredictTextAsync(fixture.Api, new { text });
                outcomes = (first.CacheHeader, again.CacheHeader);
            }
            for (var index = 0; index < 20; index++)
            {
                Assert.Equal("MISS", (await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Redis is away, distinct {index} {marker}" })).CacheHeader);
            }

            Assert.Equal(("MISS", "HIT"), outcomes);
        }
        finally
        {
            await fixture.RunCommandAsync("redis", KnownResourceCommands.StartCommand, Cancellation);
        }

        var afterwards = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Redis is back {marker}" });
        Assert.Equal("MISS", afterwards.CacheHeader);
    }
}
