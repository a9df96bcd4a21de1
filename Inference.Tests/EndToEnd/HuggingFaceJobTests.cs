using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// Batch jobs on drop-in Hugging Face models: a zero-shot job carries its candidate labels once and scores each item as
/// the pipeline does; an embedding job stores each item's vector, paged as JSON and downloaded as NDJSON; parameters a
/// model cannot use are refused with 400 before anything is created.
/// </summary>
public sealed class HuggingFaceJobTests(AppHostFixture fixture)
{
    private const float Tolerance = 1e-4f;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    private static readonly JsonElement Expected = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(ReferenceModelRoot.HuggingFaceModels, "expected-outputs.json"))).RootElement;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ZeroShotJobScoresEachItemWithTheJobsCandidateLabels()
    {
        var question = Expected.GetProperty(ReferenceModelRoot.HfNli)[0];
        var labels = question.GetProperty("candidateLabels").EnumerateArray().Select(label => label.GetString()!).ToArray();
        var text = question.GetProperty("text").GetString()!;

        var job = await BatchJobClient.SubmitAsync(fixture.Api, new
        {
            model = ReferenceModelRoot.HfNli, items = new[] { text, $"{text} Again." }, candidateLabels = labels,
            hypothesisTemplate = question.GetProperty("hypothesisTemplate").GetString(),
        });
        var finished = await BatchJobClient.WaitAsync(fixture.Api, job.Id, JobTimeout);
        var results = await BatchJobClient.ReadAllResultsAsync(fixture.Api, job.Id);

        Assert.Equal(("zero-shot", "completed", 2), (job.ItemKind, finished.State, finished.SucceededItems));
        var first = results.Single(result => result.Index == 0);
        var scored = first.Predictions!.ToDictionary(prediction => prediction.Label, prediction => prediction.Score);
        Assert.Equal(labels.Order(), scored.Keys.Order());
        for (var i = 0; i < labels.Length; i++)
        {
            Assert.InRange(scored[labels[i]], question.GetProperty("scores")[i].GetSingle() - Tolerance, question.GetProperty("scores")[i].GetSingle() + Tolerance);
        }
        Assert.Equal(scored.MaxBy(pair => pair.Value).Key, first.Label);
        Assert.Equal(first.Predictions!.Select(prediction => prediction.Score).OrderDescending(), first.Predictions!.Select(prediction => prediction.Score));
    }

    [Fact]
    public async Task EmbeddingJobStoresEachItemsVectorInResultsAndNdjson()
    {
        var cases = Expected.GetProperty(ReferenceModelRoot.HfEncoder).EnumerateArray().Take(3).ToArray();
        var texts = cases.Select(c => c.GetProperty("text").GetString()!).ToArray();

        var job = await BatchJobClient.SubmitAsync(fixture.Api, new { model = ReferenceModelRoot.HfEncoder, items = texts });
        var finished = await BatchJobClient.WaitAsync(fixture.Api, job.Id, JobTimeout);
        var results = await BatchJobClient.ReadAllResultsAsync(fixture.Api, job.Id);
        var ndjson = await fixture.Api.GetStringAsync($"/api/jobs/{job.Id}/results?format=ndjson", Cancellation);

        Assert.Equal(("embedding", "completed", 3), (job.ItemKind, finished.State, finished.SucceededItems));
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(3, lines.Length);
        for (var i = 0; i < cases.Length; i++)
        {
            var expected = cases[i].GetProperty("meanNormalized").EnumerateArray().Select(value => value.GetSingle()).ToArray();
            var result = results.Single(result => result.Index == i);
            var line = lines.Single(line => line.GetProperty("index").GetInt32() == i);
            Assert.Null(result.Label);
            AssertVector(expected, result.Embedding!);
            AssertVector(expected, [.. line.GetProperty("embedding").EnumerateArray().Select(value => value.GetSingle())]);
        }
    }

    [Fact]
    public async Task ParametersTheModelCannotUseAreRefusedWith400()
    {
        (object Body, string Detail)[] cases =
        [
            (new { model = ReferenceModelRoot.HfNli, items = new[] { "a text" }, candidateLabels = new[] { "a" }, hypothesisTemplate = "No placeholder." }, "hypothesisTemplate"),
            (new { model = ReferenceModelRoot.HfNli, items = new[] { "a text" }, candidateLabels = Enumerable.Range(0, 101).Select(i => $"label {i}").ToArray() }, "at most 100"),
            (new { model = ReferenceModelRoot.HfNli, items = new[] { "a text" }, candidateLabels = Array.Empty<string>() }, "at least one label"),
            (new { model = ReferenceModelRoot.HfClassifier, items = new[] { "a text" }, candidateLabels = new[] { "a" } }, "not an NLI model"),
            (new { model = ReferenceModelRoot.HfEncoder, items = new[] { "a text" }, pooling = "max" }, "pooling 'max'"),
            (new { model = ReferenceModelRoot.HfNli, items = new[] { "a text" }, pooling = "mean" }, "not an encoder"),
        ];

        foreach (var (body, detail) in cases)
        {
            using var response = await fixture.Api.PostAsJsonAsync("/api/jobs", body, Cancellation);
            var problem = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{detail}: {(int)response.StatusCode} {problem}");
            Assert.Contains(detail, problem);
        }
    }

    private static void AssertVector(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(actual[i], expected[i] - Tolerance, expected[i] + Tolerance);
        }
    }
}
