using Inference.Engine.Errors;
using Inference.Engine.Repository;

namespace Inference.Tests.Engine;

public sealed class InferenceEngineTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public void BrokenModelIsUnavailableWithItsReasonWhileOthersServe()
    {
        var models = fixture.Repository.Models.ToDictionary(m => m.Name);

        Assert.Equal(ModelStates.Unavailable, models["broken"].State);
        Assert.NotNull(models["broken"].Reason);
        Assert.Equal(ModelStates.Ready, models["sentiment"].State);
        Assert.Equal(ModelStates.Ready, models["mobilenet"].State);
        var error = Assert.Throws<InferenceException>(() => fixture.Engine.ResolveTextModel("broken", null));
        Assert.Equal(InferenceErrorKind.ModelUnavailable, error.Kind);
    }

    [Fact]
    public void ModelMetadataComesFromTheSession()
    {
        var mobileNet = fixture.Engine.ResolveImageModel("mobilenet", null);

        var input = Assert.Single(mobileNet.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal("FLOAT", input.ElementType);
        Assert.Equal([-1, 3, 224, 224], input.Shape);
        Assert.Equal(1000, mobileNet.Labels.Count);
        Assert.Equal("goldfish", mobileNet.Labels[1]);
        Assert.Equal(16, mobileNet.Fingerprint.Length);
    }

    [Fact]
    public async Task GoldfishIsClassifiedInProcess()
    {
        var model = fixture.Engine.ResolveImageModel("mobilenet", 1);

        var result = await fixture.Engine.ClassifyImageAsync(model, File.ReadAllBytes(TestPaths.TestImage("goldfish.jpg")), 3, TestContext.Current.CancellationToken);

        Assert.Equal("goldfish", result.Label);
        Assert.Equal(3, result.Predictions.Count);
        Assert.True(result.InferenceTimeMs > 0);
    }

    [Fact]
    public async Task TextResultsDoNotDependOnOtherRequests()
    {
        var model = fixture.Engine.ResolveTextModel(null, null);
        var cancellation = TestContext.Current.CancellationToken;

        var alone = await fixture.Engine.ClassifyTextAsync(model, "The service was slow and the room was dirty.", cancellation);
        await fixture.Engine.ClassifyTextAsync(model, "A very long and glowing review that praises every single detail of the wonderful hotel stay.", cancellation);
        var again = await fixture.Engine.ClassifyTextAsync(model, "The service was slow and the room was dirty.", cancellation);

        Assert.Equal("negative", alone.Label);
        Assert.Equal(alone.Predictions, again.Predictions);
    }

    [Fact]
    public void UnknownModelAndVersionAreNotFound()
    {
        Assert.Equal(InferenceErrorKind.ModelNotFound, Assert.Throws<InferenceException>(() => fixture.Engine.ResolveTextModel("nope", null)).Kind);
        Assert.Equal(InferenceErrorKind.ModelNotFound, Assert.Throws<InferenceException>(() => fixture.Engine.ResolveTextModel("sentiment", 9)).Kind);
        Assert.Equal(InferenceErrorKind.InvalidInput, Assert.Throws<InferenceException>(() => fixture.Engine.ResolveTextModel("sentiment", 0)).Kind);
    }

    [Fact]
    public void FixedBatchModelRunsUnbatchedAndDynamicOnesBatch()
    {
        Assert.False(fixture.Engine.ResolveImageModel("mnist", null).Batching.Enabled);
        Assert.True(fixture.Engine.ResolveImageModel("mobilenet", null).Batching.Enabled);
        Assert.True(fixture.Engine.ResolveTextModel("sentiment", null).Batching.Enabled);
    }

    [Fact]
    public async Task ConcurrentRequestsGetTheSameAnswersAsSingleRunsInOrder()
    {
        var model = fixture.Engine.ResolveTextModel("sentiment", null);
        var texts = Enumerable.Range(0, 48)
            .Select(i => i % 3 == 0 ? $"Great phone number {i}" : i % 3 == 1
                ? $"The hotel room {i} was dirty, the staff were rude and the breakfast was cold, never again"
                : $"Not bad at all for the price, item {i} arrived quickly")
            .ToArray();
        var alone = texts.Select(text => model.RunTextBatch([model.TextEncoder!.Encode(text)])[0]).ToArray();

        var together = await Task.WhenAll(texts.Select(text =>
            Task.Run(() => model.InferTextAsync(model.TextEncoder!.Encode(text), TestContext.Current.CancellationToken))));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(alone[i].Length, together[i].Length);
            for (var j = 0; j < alone[i].Length; j++)
            {
                Assert.Equal(alone[i][j], together[i][j], 4);
            }
        }
    }

    [Fact]
    public void WrongTaskIsInvalidInput()
    {
        var error = Assert.Throws<InferenceException>(() => fixture.Engine.ResolveImageModel("sentiment", null));

        Assert.Equal(InferenceErrorKind.InvalidInput, error.Kind);
    }
}
