using System.Net;
using System.Net.Http.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>The API routes the admin console stands on: who am I, and the overview's summary (shared AppHost, open mode).</summary>
public sealed class ConsoleApiTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WhoAmINamesTheKeyAndSaysTheApiIsInOpenMode()
    {
        var admin = await fixture.AdminApi.GetFromJsonAsync<CallerDto>("/api/me", Cancellation);
        Assert.Equal((false, false, "bootstrap", "bootstrap"), (admin!.KeysRequired, admin.Anonymous, admin.KeyId, admin.Name));
        Assert.Equal(["admin"], admin.Scopes);

        var anonymous = await fixture.Api.GetFromJsonAsync<CallerDto>("/api/me", Cancellation);
        Assert.Equal((false, true, null, 0), (anonymous!.KeysRequired, anonymous.Anonymous, anonymous.KeyId, anonymous.Scopes.Length));

        using var bogus = fixture.ClientWithKey("inf_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var refused = await bogus.GetAsync("/api/me", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task SummaryCountsPredictionsAndReportsHealthAndModels()
    {
        const int predictions = 12;
        for (var i = 0; i < predictions; i++)
        {
            await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Summary test {Guid.NewGuid():N}: a warm, funny film." });
        }

        var summary = await fixture.AdminApi.GetFromJsonAsync<SummaryDto>("/api/admin/summary", Cancellation);

        Assert.NotNull(summary);
        var health = summary.Health.ToDictionary(component => component.Name, component => component.Status);
        Assert.Equal(("Healthy", "Healthy"), (health["postgres"], health["redis"]));
        Assert.Contains(health["api"], new[] { "Healthy", "Degraded" });
        Assert.True(summary.ModelsByState.GetValueOrDefault("READY") >= 2, string.Join(", ", summary.ModelsByState));
        // Other tests predict beside this one, so at least ours.
        Assert.True(summary.Figures.PredictionsPerSecond * summary.FiguresWindow.TotalSeconds >= predictions - 0.01,
            $"{summary.Figures.PredictionsPerSecond}/s over {summary.FiguresWindow}");
        Assert.True(summary.Figures.P50Ms <= summary.Figures.P95Ms && summary.Figures.P95Ms <= summary.Figures.P99Ms,
            $"p50 {summary.Figures.P50Ms}, p95 {summary.Figures.P95Ms}, p99 {summary.Figures.P99Ms}");
        Assert.InRange(summary.Figures.ErrorRate, 0, 1);
        Assert.Equal(30, summary.Series.Length);
        Assert.True(summary.Series.Sum(point => point.PredictionsPerSecond) * summary.SeriesStep.TotalSeconds >= predictions - 0.01);
    }

    private sealed record CallerDto(bool KeysRequired, bool Anonymous, string? KeyId, string? Name, string[] Scopes);

    private sealed record HealthDto(string Name, string Status, string? Description);

    private sealed record FiguresDto(double PredictionsPerSecond, double? P50Ms, double? P95Ms, double? P99Ms, double ErrorRate,
        double CacheHitsPerSecond, double? MeanBatchSize, int QueueDepth);

    private sealed record PointDto(DateTimeOffset At, double PredictionsPerSecond, double? P95Ms, double ErrorRate);

    private sealed record SummaryDto(DateTimeOffset At, string Replica, string Status, HealthDto[] Health, Dictionary<string, int> ModelsByState,
        TimeSpan FiguresWindow, FiguresDto Figures, TimeSpan SeriesStep, PointDto[] Series);
}
