using System.Net;
using System.Net.Http.Json;
using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Inference.Tests.EndToEnd;

// Shadow copies share a small per-replica concurrency bound; these classes would skip each other's copies if run together.
[Collection("Shadow traffic")]
public sealed class PredictionAnalyticsTests(AppHostFixture fixture)
{
    private const string Model = ReferenceModelRoot.AnalyticsModel;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnalyticsMatchTheRequestsSent()
    {
        var marker = Guid.NewGuid().ToString("N");
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var split = await fixture.AdminApi.PutAsJsonAsync($"/api/admin/models/{Model}/traffic",
            new { weights = new Dictionary<string, double> { ["1"] = 100 }, shadowVersion = 2, shadowShare = 1.0 }, Cancellation);
        split.EnsureSuccessStatusCode();

        // Version 1 through the split: 6 new texts, 2 of them again (cache hits), 1 too long for the model (an error).
        string[] texts = [.. Enumerable.Range(0, 6).Select(index => (index % 2 == 0 ? "Wonderful, moving and funny" : "Dull, slow and painful") + $" {index} {marker}")];
        var labels = new List<string>();
        foreach (var text in texts.Concat(texts.Take(2)))
        {
            labels.Add((await PredictionCalls.PredictTextAsync(fixture.Api, new { text, model = Model })).Prediction.Label);
        }

        var tooLong = await fixture.Api.PostAsJsonAsync("/api/predict/text",
            new { text = string.Join(' ', Enumerable.Repeat("long", 400)) + marker, model = Model }, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        // Version 2 asked for explicitly: served by version 2, never mirrored.
        for (var index = 0; index < 3; index++)
        {
            await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Explicitly version two {index} {marker}", model = Model, version = 2 });
        }

        // Every row (9 + 3 served, 8 shadow) must be in the log before reading the numbers.
        var logged = await PredictionCalls.PollCountAsync(await fixture.GetConnectionStringAsync("inferencedb"),
            """SELECT count(*) FROM predictions WHERE "Model" = @model AND "CreatedAt" >= @from""", count => count >= 20,
            parameters: [("model", Model), ("from", from.UtcDateTime)]);
        Assert.Equal(20, logged);
        var to = DateTimeOffset.UtcNow.AddSeconds(1);
        var window = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";

        var analytics = await fixture.AdminApi.GetFromJsonAsync<ModelAnalyticsDto>($"/api/admin/analytics/models/{Model}?{window}&bucket=1m", Cancellation);
        var comparison = await fixture.AdminApi.GetFromJsonAsync<ComparisonDto>($"/api/admin/analytics/models/{Model}/compare?a=1&b=2&{window}", Cancellation);

        var expectedLabels = labels.GroupBy(label => label).ToDictionary(group => group.Key, group => (long)group.Count());
        var served1 = analytics!.Served.Single(version => version.Version == 1);
        Assert.Equal((9L, 1L, 2L, 0.25), (served1.Count, served1.Errors, served1.CacheHits, served1.CacheHitRate));
        Assert.Equal(1.0 / 9, served1.ErrorRate, 6);
        Assert.Equal(expectedLabels, served1.Labels);
        Assert.Equal(new Dictionary<string, long> { ["InvalidInput"] = 1 }, served1.ErrorsByKind);
        Assert.True(served1.LatencyP50Ms <= served1.LatencyP95Ms && served1.LatencyP95Ms <= served1.LatencyP99Ms);
        Assert.Equal(3, analytics.Served.Single(version => version.Version == 2).Count);
        var shadow = Assert.Single(analytics.Shadow);
        Assert.Equal((2, 8L, 0L, 0L), (shadow.Version, shadow.Count, shadow.Errors, shadow.CacheHits));
        Assert.Equal(expectedLabels, shadow.Labels);
        Assert.Equal(9, analytics.Buckets.Where(bucket => bucket.Version == 1 && !bucket.Shadow).Sum(bucket => bucket.Count));
        Assert.Equal(8, analytics.Buckets.Where(bucket => bucket.Shadow).Sum(bucket => bucket.Count));

        Assert.Equal((9L, 3L, 8L), (comparison!.A!.Count, comparison.B!.Count, comparison.ShadowB!.Count));
        Assert.Null(comparison.ShadowA);
        Assert.Equal(-1.0 / 9, comparison.Difference!.ErrorRate, 6);
    }

    [Fact]
    public async Task LatencyPercentilesInterpolateBetweenTheLoggedSuccessfulLatencies()
    {
        // A model name of its own, so the window holds exactly these rows, written straight into the log.
        var model = $"percentiles-{Guid.NewGuid():N}";
        var from = DateTimeOffset.UtcNow.AddMinutes(-10);
        double[] latencies = [.. Enumerable.Range(1, 100).Select(milliseconds => (double)milliseconds)];
        var rows = latencies.OrderDescending().Select((latency, index) => Logged(model, 1, from.AddSeconds(index + 1), latency)).ToList();
        // Failures and other versions must not move version 1's percentiles.
        rows.Add(Logged(model, 1, from.AddSeconds(200), 10_000, outcome: "Overloaded"));
        rows.Add(Logged(model, 1, from.AddSeconds(201), 20_000, outcome: "InvalidInput"));
        rows.AddRange(Enumerable.Range(0, 3).Select(index => Logged(model, 2, from.AddSeconds(300 + index), 900)));
        await using (var db = new InferenceDbContext(new DbContextOptionsBuilder<InferenceDbContext>()
            .UseNpgsql(await fixture.GetConnectionStringAsync("inferencedb")).Options))
        {
            db.Predictions.AddRange(rows);
            await db.SaveChangesAsync(Cancellation);
        }

        var to = from.AddMinutes(9);
        var window = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var analytics = await fixture.AdminApi.GetFromJsonAsync<ModelAnalyticsDto>($"/api/admin/analytics/models/{model}?{window}&bucket=1h", Cancellation);

        var versionOne = analytics!.Served.Single(version => version.Version == 1);
        Assert.Equal((102L, 2L), (versionOne.Count, versionOne.Errors));
        // Postgres's percentile_cont: linear interpolation at rank p·(n−1); over 1..100 ms that is 50.5, 95.05 and 99.01.
        Assert.Equal(ContinuousPercentile(latencies, 0.50), versionOne.LatencyP50Ms!.Value, 6);
        Assert.Equal(ContinuousPercentile(latencies, 0.95), versionOne.LatencyP95Ms!.Value, 6);
        Assert.Equal(ContinuousPercentile(latencies, 0.99), versionOne.LatencyP99Ms!.Value, 6);
        Assert.Equal(95.05, ContinuousPercentile(latencies, 0.95), 6);
        var bucket = Assert.Single(analytics.Buckets, bucket => bucket.Version == 1);
        Assert.Equal(ContinuousPercentile(latencies, 0.95), bucket.LatencyP95Ms!.Value, 6);
        Assert.Equal(900, analytics.Served.Single(version => version.Version == 2).LatencyP99Ms!.Value, 6);
    }

    /// <summary>The value at rank <paramref name="fraction"/>·(n−1) of the sorted values, interpolating between neighbours.</summary>
    private static double ContinuousPercentile(double[] values, double fraction)
    {
        var sorted = values.Order().ToArray();
        var rank = fraction * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    private static PredictionRecord Logged(string model, int version, DateTimeOffset at, double latency, string outcome = PredictionOutcomes.Success) => new()
    {
        CreatedAt = at,
        Model = model,
        ModelVersion = version,
        Route = "predict/text",
        InputHash = new string('0', 64),
        Label = outcome == PredictionOutcomes.Success ? "positive" : null,
        Score = 0.9f,
        LatencyMs = latency,
        Outcome = outcome,
    };

    [Theory]
    [InlineData("?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("?bucket=5x")]
    [InlineData("?bucket=0s")]
    [InlineData("?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&bucket=1s")]
    [InlineData("?from=yesterday")]
    [InlineData("/compare?a=1")]
    [InlineData("/compare?a=1&b=1")]
    public async Task BadWindowOrBucketIsRefusedWith400(string query)
    {
        var response = await fixture.AdminApi.GetAsync($"/api/admin/analytics/models/{Model}{query}", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private sealed record VersionStatisticsDto(
        int Version, bool Shadow, long Count, long Errors, double ErrorRate, double? LatencyP50Ms, double? LatencyP95Ms, double? LatencyP99Ms,
        long CacheHits, double CacheHitRate, Dictionary<string, long> Labels, Dictionary<string, long> ErrorsByKind);

    private sealed record BucketDto(DateTimeOffset Start, int Version, bool Shadow, long Count, long Errors, long CacheHits, double? LatencyP95Ms);

    private sealed record ModelAnalyticsDto(string Model, VersionStatisticsDto[] Served, VersionStatisticsDto[] Shadow, BucketDto[] Buckets);

    private sealed record DifferenceDto(double ErrorRate, double? LatencyP95Ms, Dictionary<string, double> LabelShare);

    private sealed record ComparisonDto(VersionStatisticsDto? A, VersionStatisticsDto? B, VersionStatisticsDto? ShadowA, VersionStatisticsDto? ShadowB, DifferenceDto? Difference);
}
