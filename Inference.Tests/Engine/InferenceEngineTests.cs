using Inference.Api.Inference;
using Inference.Api.Models;

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
    public void GoldfishIsClassifiedInProcess()
    {
        var model = fixture.Engine.ResolveImageModel("mobilenet", 1);

        var result = fixture.Engine.ClassifyImage(model, File.ReadAllBytes(TestPaths.TestImage("goldfish.jpg")), 3);

        Assert.Equal("goldfish", result.Label);
        Assert.Equal(3, result.Predictions.Count);
        Assert.True(result.InferenceTimeMs > 0);
    }

    [Fact]
    public void TextResultsDoNotDependOnOtherRequests()
    {
        var model = fixture.Engine.ResolveTextModel(null, null);

        var alone = fixture.Engine.ClassifyText(model, "The service was slow and the room was dirty.");
        fixture.Engine.ClassifyText(model, "A very long and glowing review that praises every single detail of the wonderful hotel stay.");
        var again = fixture.Engine.ClassifyText(model, "The service was slow and the room was dirty.");

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
    public void WrongTaskIsInvalidInput()
    {
        var error = Assert.Throws<InferenceException>(() => fixture.Engine.ResolveImageModel("sentiment", null));

        Assert.Equal(InferenceErrorKind.InvalidInput, error.Kind);
    }
}
