using System.Text.Json;
using Inference.Engine;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;

namespace Inference.Tests.Engine;

/// <summary>
/// The drop-in Hugging Face folders through the engine: each answers, for every reference text, what PyTorch computed
/// from Hugging Face's ids (TestData/hf-models/expected-outputs.json).
/// </summary>
public sealed class HuggingFaceModelTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const float Tolerance = 1e-4f;

    private static readonly JsonElement Expected = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(ReferenceModelRoot.HuggingFaceModels, "expected-outputs.json"))).RootElement;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void DropInFoldersTakeTaskLabelsAndLimitsFromTheirHuggingFaceFiles()
    {
        var models = fixture.Repository.Models.ToDictionary(model => model.Name);

        Assert.Equal(ModelTasks.TextClassification, models[ReferenceModelRoot.HfClassifier].Configuration!.Task);
        Assert.Equal(["NEGATIVE", "NEUTRAL", "POSITIVE"], fixture.Repository.Resolve(ReferenceModelRoot.HfClassifier, null).Labels);
        Assert.Equal(512, fixture.Repository.Resolve(ReferenceModelRoot.HfClassifier, null).TextEncoder!.MaxSequenceLength);
        Assert.True(fixture.Repository.Resolve(ReferenceModelRoot.HfMultiLabel, null).Head.MultiLabel);
        Assert.Equal("spiece.model (SentencePiece Unigram)", fixture.Repository.Resolve(ReferenceModelRoot.HfMultiLabel, null).TextEncoder!.Kind);
        Assert.NotNull(fixture.Repository.Resolve(ReferenceModelRoot.HfNli, null).EntailmentLabels);
        Assert.Equal(ModelTasks.FeatureExtraction, models[ReferenceModelRoot.HfEncoder].Configuration!.Task);
        var broken = models[ReferenceModelRoot.HfWithoutConfig];
        Assert.Equal(ModelStates.Unavailable, broken.State);
        Assert.Contains("config.json", broken.Reason);
    }

    [Fact]
    public async Task ClassifierGivesTheReferenceSoftmaxForEveryText()
    {
        var model = fixture.Engine.ResolveTextModel(ReferenceModelRoot.HfClassifier, null);
        foreach (var expected in Expected.GetProperty(ReferenceModelRoot.HfClassifier).EnumerateArray())
        {
            var result = await fixture.Engine.ClassifyTextAsync(model, expected.GetProperty("text").GetString()!, Cancellation);

            AssertScores(expected.GetProperty("scores"), model.Labels, result.Predictions.ToDictionary(p => p.Label, p => p.Score));
            Assert.Null(result.Labels);
        }
    }

    [Fact]
    public async Task MultiLabelGivesASigmoidPerLabelAndTheLabelsAtTheThreshold()
    {
        var model = fixture.Engine.ResolveTextModel(ReferenceModelRoot.HfMultiLabel, null);
        foreach (var expected in Expected.GetProperty(ReferenceModelRoot.HfMultiLabel).EnumerateArray())
        {
            var result = await fixture.Engine.ClassifyTextAsync(model, expected.GetProperty("text").GetString()!, Cancellation);

            var scores = expected.GetProperty("scores").EnumerateArray().Select(score => score.GetSingle()).ToArray();
            AssertScores(expected.GetProperty("scores"), model.Labels, result.Predictions.ToDictionary(p => p.Label, p => p.Score));
            Assert.Equal(model.Labels.Where((_, i) => scores[i] >= 0.5f).Order(), result.Labels!.Order());
            Assert.Equal(model.Labels[Array.IndexOf(scores, scores.Max())], result.Label);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ZeroShotFollowsTheHuggingFacePipelineFormulas(bool multiLabel)
    {
        var model = fixture.Engine.ResolveZeroShotModel(ReferenceModelRoot.HfNli, null);
        foreach (var expected in Expected.GetProperty(ReferenceModelRoot.HfNli).EnumerateArray())
        {
            var labels = expected.GetProperty("candidateLabels").EnumerateArray().Select(label => label.GetString()!).ToArray();
            var question = new ZeroShotQuestion(expected.GetProperty("text").GetString()!, labels,
                expected.GetProperty("hypothesisTemplate").GetString()!, multiLabel, Truncation: false);

            var result = await fixture.Engine.ClassifyZeroShotAsync(model, question, InferencePriority.Online, Cancellation);

            var scores = expected.GetProperty(multiLabel ? "multiLabelScores" : "scores");
            AssertScores(scores, labels, result.Labels.Zip(result.Scores).ToDictionary(pair => pair.First, pair => pair.Second));
            Assert.Equal(result.Scores.OrderDescending(), result.Scores);
        }
    }

    [Theory]
    [InlineData("mean", false, "mean")]
    [InlineData("mean", true, "meanNormalized")]
    [InlineData("cls", false, "cls")]
    public async Task EncoderEmbeddingsArePooledOverTheMask(string pooling, bool normalize, string expectedKey)
    {
        var model = fixture.Engine.ResolveEmbeddingModel(ReferenceModelRoot.HfEncoder, null);
        var cases = Expected.GetProperty(ReferenceModelRoot.HfEncoder).EnumerateArray().ToArray();

        // One request with every text: they are padded together in the batch, which must not change any vector.
        var result = await fixture.Engine.EmbedAsync(model,
            new EmbeddingQuestion([.. cases.Select(c => c.GetProperty("text").GetString()!)], pooling, normalize, Truncation: false),
            InferencePriority.Online, Cancellation);

        Assert.Equal(8, result.Dimensions);
        for (var i = 0; i < cases.Length; i++)
        {
            var expected = cases[i].GetProperty(expectedKey).EnumerateArray().Select(value => value.GetSingle()).ToArray();
            Assert.Equal(expected.Length, result.Embeddings[i].Length);
            Assert.All(expected.Zip(result.Embeddings[i]), pair => Assert.InRange(pair.Second, pair.First - Tolerance, pair.First + Tolerance));
        }
    }

    [Fact]
    public void RoutesRefuseModelsOfAnotherTask()
    {
        Assert.Equal(InferenceErrorKind.InvalidInput,
            Assert.Throws<InferenceException>(() => fixture.Engine.ResolveZeroShotModel(ReferenceModelRoot.HfClassifier, null)).Kind);
        Assert.Equal(InferenceErrorKind.InvalidInput,
            Assert.Throws<InferenceException>(() => fixture.Engine.ResolveEmbeddingModel(ReferenceModelRoot.HfNli, null)).Kind);
        Assert.Equal(InferenceErrorKind.InvalidInput,
            Assert.Throws<InferenceException>(() => fixture.Engine.ResolveTextModel(ReferenceModelRoot.HfEncoder, null)).Kind);
    }

    private static void AssertScores(JsonElement expected, IReadOnlyList<string> labels, IReadOnlyDictionary<string, float> actual)
    {
        var scores = expected.EnumerateArray().Select(score => score.GetSingle()).ToArray();
        Assert.Equal(labels.Count, actual.Count);
        for (var i = 0; i < scores.Length; i++)
        {
            Assert.InRange(actual[labels[i]], scores[i] - Tolerance, scores[i] + Tolerance);
        }
    }
}
