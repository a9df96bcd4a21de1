using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Inference.Tests.EndToEnd;

public sealed class ImagePredictionTests(AppHostFixture fixture)
{
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string query, byte[] bytes, string fileName, string contentType = "image/jpeg")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return await client.PostAsync($"/api/predict/image{query}", form, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task GoldfishPhotoIsAGoldfishToMobileNet()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.TestImage("goldfish.jpg"), TestContext.Current.CancellationToken);

        var response = await UploadAsync(fixture.Api, "?model=mobilenet&top=5", bytes, "goldfish.jpg");

        response.EnsureSuccessStatusCode();
        var prediction = (await response.Content.ReadFromJsonAsync<PredictionDto>(TestContext.Current.CancellationToken))!;
        Assert.Equal("goldfish", prediction.Label);
        Assert.Equal(5, prediction.Predictions.Length);
        Assert.True(prediction.Predictions.Zip(prediction.Predictions.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("7")]
    public async Task HandwrittenDigitIsRecognisedByTheDefaultImageModel(string digit)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(TestPaths.ProjectModels, "digits", "samples", $"{digit}.png"), TestContext.Current.CancellationToken);

        var response = await UploadAsync(fixture.Api, "", bytes, $"{digit}.png", "image/png");

        response.EnsureSuccessStatusCode();
        var prediction = (await response.Content.ReadFromJsonAsync<PredictionDto>(TestContext.Current.CancellationToken))!;
        Assert.Equal("digits", prediction.Model);
        Assert.Equal(digit, prediction.Label);
    }

    [Fact]
    public async Task FixedBatchReferenceModelServesThroughTheSameImagePath()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(TestPaths.ProjectModels, "digits", "samples", "7.png"), TestContext.Current.CancellationToken);

        var response = await UploadAsync(fixture.Api, "?model=mnist&top=3", bytes, "7.png", "image/png");

        response.EnsureSuccessStatusCode();
        var prediction = (await response.Content.ReadFromJsonAsync<PredictionDto>(TestContext.Current.CancellationToken))!;
        Assert.Equal("mnist", prediction.Model);
        Assert.Equal(3, prediction.Predictions.Length);
    }

    [Fact]
    public async Task UnloadedModelIsNotFoundUntilLoadedAgain()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(TestPaths.ProjectModels, "digits", "samples", "7.png"), TestContext.Current.CancellationToken);

        var unload = await fixture.AdminApi.PostAsync("/api/admin/models/mnist/unload", null, TestContext.Current.CancellationToken);
        var whileUnloaded = await UploadAsync(fixture.Api, "?model=mnist", bytes, "7.png", "image/png");
        var listedWhileUnloaded = await fixture.Api.GetFromJsonAsync<ModelDto[]>("/api/models", TestContext.Current.CancellationToken);
        var load = await fixture.AdminApi.PostAsync("/api/admin/models/mnist/load", null, TestContext.Current.CancellationToken);
        var afterLoad = await UploadAsync(fixture.Api, "?model=mnist", bytes, "7.png", "image/png");

        Assert.Equal(System.Net.HttpStatusCode.NoContent, unload.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, whileUnloaded.StatusCode);
        var unloaded = Assert.Single(listedWhileUnloaded!, model => model.Name == "mnist");
        Assert.Equal(("UNAVAILABLE", "unloaded"), (unloaded.Status, unloaded.Reason));
        load.EnsureSuccessStatusCode();
        Assert.Equal("READY", (await load.Content.ReadFromJsonAsync<ModelDto>(TestContext.Current.CancellationToken))!.Status);
        afterLoad.EnsureSuccessStatusCode();
    }
}
