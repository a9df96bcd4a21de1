using System.Net;
using System.Net.Http.Json;

namespace Inference.Tests.EndToEnd;

public sealed class TextPredictionTests(AppHostFixture fixture)
{
    [Theory]
    [InlineData("This movie was absolutely wonderful, I loved every minute of it.", "positive")]
    [InlineData("I love this phone, the battery lasts all day and the screen is gorgeous.", "positive")]
    [InlineData("Terrible product. It broke after two days and support never answered.", "negative")]
    [InlineData("The worst service I have ever had, rude staff and cold food.", "negative")]
    public async Task ClearTextsGetTheRightSentiment(string text, string expected)
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text }, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var prediction = (await response.Content.ReadFromJsonAsync<PredictionDto>(TestContext.Current.CancellationToken))!;
        Assert.Equal(expected, prediction.Label);
        Assert.True(prediction.Score > 0.8, $"score {prediction.Score} for '{text}'");
        Assert.Equal("sentiment", prediction.Model);
        Assert.Equal(1, prediction.Version);
        Assert.Equal(2, prediction.Predictions.Length);
        Assert.Equal(1.0, prediction.Predictions.Sum(p => p.Score), 3);
    }

    [Fact]
    public async Task ExplicitModelAndVersionAreHonoured()
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text",
            new { text = "Great value, would buy again", model = "sentiment", version = 1 }, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var prediction = (await response.Content.ReadFromJsonAsync<PredictionDto>(TestContext.Current.CancellationToken))!;
        Assert.Equal(("sentiment", 1), (prediction.Model, prediction.Version));
    }

    [Fact]
    public async Task ModelCatalogueListsEveryModelWithItsState()
    {
        var models = (await fixture.Api.GetFromJsonAsync<ModelDto[]>("/api/models", TestContext.Current.CancellationToken))!;

        var byName = models.ToDictionary(m => m.Name);
        Assert.Equal("READY", byName["sentiment"].Status);
        Assert.Equal(["negative", "positive"], byName["sentiment"].Labels);
        Assert.Equal("READY", byName["digits"].Status);
        Assert.Equal("READY", byName["mobilenet"].Status);
        Assert.Equal("cpu", byName["mobilenet"].ExecutionProvider);
        Assert.Equal("UNAVAILABLE", byName["broken"].Status);
        Assert.False(string.IsNullOrWhiteSpace(byName["broken"].Reason));
    }

    [Fact]
    public async Task HealthReportsModelsAndLivenessAnswers()
    {
        var health = await fixture.Api.GetAsync("/health", TestContext.Current.CancellationToken);
        var alive = await fixture.Api.GetAsync("/alive", TestContext.Current.CancellationToken);

        // One reference model is deliberately broken: the server is degraded, still ready (200).
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"models\"", body);
        Assert.Contains("executionProvider", body);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesEveryRoute()
    {
        var document = await fixture.Api.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Contains("/api/predict/text", document);
        Assert.Contains("/api/predict/image", document);
        Assert.Contains("/api/models", document);
    }
}
