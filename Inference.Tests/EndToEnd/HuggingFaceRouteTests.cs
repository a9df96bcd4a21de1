using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// Drop-in Hugging Face folders (no model.json) through the REST routes of the shared AppHost: classification with
/// pairs, truncation and multi-label, tokenize, zero-shot and embeddings, each compared with the PyTorch reference;
/// and bad input answered with 4xx and never logged as a success.
/// </summary>
public sealed class HuggingFaceRouteTests(AppHostFixture fixture)
{
    private const float Tolerance = 1e-4f;

    private static readonly JsonElement Expected = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(ReferenceModelRoot.HuggingFaceModels, "expected-outputs.json"))).RootElement;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ModelListShowsTaskTokenizerLimitAndWhyAFolderIsUnavailable()
    {
        var models = (await fixture.Api.GetFromJsonAsync<JsonElement[]>("/api/models", Cancellation))!
            .ToDictionary(model => model.GetProperty("name").GetString()!);

        var classifier = models[ReferenceModelRoot.HfClassifier];
        Assert.Equal(("READY", "text-classification", "tokenizer.json (BPE)", 512),
            (classifier.GetProperty("status").GetString(), classifier.GetProperty("task").GetString(),
             classifier.GetProperty("tokenizer").GetString(), classifier.GetProperty("maxSequenceLength").GetInt32()));
        Assert.Equal(["NEGATIVE", "NEUTRAL", "POSITIVE"], classifier.GetProperty("labels").EnumerateArray().Select(label => label.GetString()));
        Assert.True(models[ReferenceModelRoot.HfMultiLabel].GetProperty("multiLabel").GetBoolean());
        Assert.True(models[ReferenceModelRoot.HfNli].GetProperty("zeroShot").GetBoolean());
        Assert.Equal("feature-extraction", models[ReferenceModelRoot.HfEncoder].GetProperty("task").GetString());
        Assert.Equal("vocab.txt (WordPiece)", models[ReferenceModelRoot.HfEncoder].GetProperty("tokenizer").GetString());
        var broken = models[ReferenceModelRoot.HfWithoutConfig];
        Assert.Equal("UNAVAILABLE", broken.GetProperty("status").GetString());
        Assert.Contains("config.json", broken.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task DropInClassifierAndMultiLabelAnswerAsTheReference()
    {
        var classifierCase = Expected.GetProperty(ReferenceModelRoot.HfClassifier)[2];
        var classified = await PostAsync("/api/predict/text", new { model = ReferenceModelRoot.HfClassifier, text = classifierCase.GetProperty("text").GetString() });
        AssertScores(classifierCase.GetProperty("scores"), ["NEGATIVE", "NEUTRAL", "POSITIVE"], Predictions(classified));
        Assert.False(classified.TryGetProperty("labels", out _));

        var multiCase = Expected.GetProperty(ReferenceModelRoot.HfMultiLabel)[4];
        var multi = await PostAsync("/api/predict/text", new { model = ReferenceModelRoot.HfMultiLabel, text = multiCase.GetProperty("text").GetString() });
        string[] topics = ["sports", "politics", "science", "arts"];
        AssertScores(multiCase.GetProperty("scores"), topics, Predictions(multi));
        var expectedLabels = topics.Where((_, i) => multiCase.GetProperty("scores")[i].GetSingle() >= 0.5f).Order();
        Assert.Equal(expectedLabels, multi.GetProperty("labels").EnumerateArray().Select(label => label.GetString()!).Order());
    }

    [Fact]
    public async Task OverTheLimitIs400UnlessTruncationIsAskedThenTheAnswerSaysTruncated()
    {
        var longText = string.Join(' ', Enumerable.Repeat("wonderful", 600));
        var body = new { model = ReferenceModelRoot.HfClassifier, text = longText, cache = false };

        using var refused = await fixture.Api.PostAsJsonAsync("/api/predict/text", body, Cancellation);
        var truncated = await PostAsync("/api/predict/text", new { model = ReferenceModelRoot.HfClassifier, text = longText, truncation = true });
        var tokens = await PostAsync($"/api/models/{ReferenceModelRoot.HfClassifier}/tokenize", new { text = longText, truncation = true });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("truncation", await refused.Content.ReadAsStringAsync(Cancellation));
        Assert.True(truncated.GetProperty("truncated").GetBoolean());
        Assert.Equal(512, tokens.GetProperty("inputIds").GetArrayLength());
        Assert.Equal(2, tokens.GetProperty("inputIds")[511].GetInt64());
        Assert.True(tokens.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task TokenizeShowsThePairAsHuggingFaceEncodesIt()
    {
        var pair = SharedTokenizers.Expected.Families["bert"].Single(c => c.Name == "pair");

        var tokenized = await PostAsync($"/api/models/{ReferenceModelRoot.HfNli}/tokenize", new { text = pair.Text, textPair = pair.TextPair });
        var roberta = await PostAsync($"/api/models/{ReferenceModelRoot.HfClassifier}/tokenize", new { text = "Hello world" });

        Assert.Equal(pair.InputIds, tokenized.GetProperty("inputIds").EnumerateArray().Select(id => id.GetInt64()));
        Assert.Equal(pair.TokenTypeIds, tokenized.GetProperty("tokenTypeIds").EnumerateArray().Select(id => id.GetInt64()));
        Assert.Equal("[CLS]", tokenized.GetProperty("tokens")[0].GetString());
        Assert.False(tokenized.GetProperty("truncated").GetBoolean());
        Assert.Equal([0, 31414, 232, 2], roberta.GetProperty("inputIds").EnumerateArray().Select(id => id.GetInt64()));
        // The roberta graph declares no token_type_ids: the model is not fed any, and none are shown.
        Assert.Equal(JsonValueKind.Null, roberta.GetProperty("tokenTypeIds").ValueKind);
    }

    [Fact]
    public async Task ZeroShotScoresEveryCandidateAsThePipelineAndLogsTheTopLabel()
    {
        var question = Expected.GetProperty(ReferenceModelRoot.HfNli)[0];
        var labels = question.GetProperty("candidateLabels").EnumerateArray().Select(label => label.GetString()!).ToArray();
        var text = question.GetProperty("text").GetString()!;

        var answer = await PostAsync("/api/predict/zero-shot", new
        {
            model = ReferenceModelRoot.HfNli, text, candidateLabels = labels,
            hypothesisTemplate = question.GetProperty("hypothesisTemplate").GetString(), cache = false,
        });

        var scored = answer.GetProperty("labels").EnumerateArray().Select(label => label.GetString()!)
            .Zip(answer.GetProperty("scores").EnumerateArray().Select(score => score.GetSingle()))
            .ToDictionary(pair => pair.First, pair => pair.Second);
        AssertScores(question.GetProperty("scores"), labels, scored);
        Assert.Equal(scored.Values.OrderDescending(), scored.Values);
        Assert.Equal(text, answer.GetProperty("sequence").GetString());
        var topLabel = answer.GetProperty("labels")[0].GetString()!;
        Assert.Equal(1, await PredictionCalls.PollCountAsync(await fixture.GetConnectionStringAsync("inferencedb"),
            """SELECT count(*) FROM predictions WHERE "Route" = 'predict/zero-shot' AND "InputPreview" = @text AND "Label" = @label AND "Outcome" = 'success'""",
            count => count >= 1, parameters: [("text", text), ("label", topLabel)]));
    }

    [Fact]
    public async Task EmbeddingsArePooledAndNormalizedAsTheReferenceAndLogWithoutLabel()
    {
        var cases = Expected.GetProperty(ReferenceModelRoot.HfEncoder).EnumerateArray().Take(3).ToArray();
        var texts = cases.Select(c => c.GetProperty("text").GetString()!).ToArray();

        var normalized = await PostAsync("/api/predict/embedding", new { model = ReferenceModelRoot.HfEncoder, texts });
        var cls = await PostAsync("/api/predict/embedding", new { model = ReferenceModelRoot.HfEncoder, text = texts[1], pooling = "cls", normalize = false });

        Assert.Equal(8, normalized.GetProperty("dimensions").GetInt32());
        for (var i = 0; i < cases.Length; i++)
        {
            AssertVector(cases[i].GetProperty("meanNormalized"), normalized.GetProperty("embeddings")[i]);
        }
        AssertVector(cases[1].GetProperty("cls"), cls.GetProperty("embeddings")[0]);
        Assert.True(await PredictionCalls.PollCountAsync(await fixture.GetConnectionStringAsync("inferencedb"),
            """SELECT count(*) FROM predictions WHERE "Route" = 'predict/embedding' AND "InputPreview" = @text AND "Label" IS NULL AND "Outcome" = 'success'""",
            count => count >= 1, parameters: [("text", texts[0])]) >= 1);
    }

    [Fact]
    public async Task BadInputIsRefusedWith4xxAndNeverLoggedAsASuccess()
    {
        var marker = $"bad-{Guid.NewGuid():N}";
        (string Route, object Body, HttpStatusCode Status)[] cases =
        [
            ("/api/predict/zero-shot", new { model = ReferenceModelRoot.HfNli, text = "   ", candidateLabels = new[] { "a" } }, HttpStatusCode.BadRequest),
            ("/api/predict/zero-shot", new { model = ReferenceModelRoot.HfNli, text = marker }, HttpStatusCode.BadRequest),
            ("/api/predict/zero-shot", new { model = ReferenceModelRoot.HfNli, text = marker, candidateLabels = Enumerable.Range(0, 101).Select(i => $"label {i}").ToArray() }, HttpStatusCode.BadRequest),
            ("/api/predict/zero-shot", new { model = ReferenceModelRoot.HfNli, text = marker, candidateLabels = new[] { "a" }, hypothesisTemplate = "No placeholder." }, HttpStatusCode.BadRequest),
            ("/api/predict/zero-shot", new { model = ReferenceModelRoot.HfClassifier, text = marker, candidateLabels = new[] { "a" } }, HttpStatusCode.BadRequest),
            ("/api/predict/zero-shot", new { model = "no-such-model", text = marker, candidateLabels = new[] { "a" } }, HttpStatusCode.NotFound),
            ("/api/predict/embedding", new { model = ReferenceModelRoot.HfEncoder, text = "" }, HttpStatusCode.BadRequest),
            ("/api/predict/embedding", new { model = ReferenceModelRoot.HfNli, text = marker }, HttpStatusCode.BadRequest),
            ("/api/predict/embedding", new { model = ReferenceModelRoot.HfEncoder, text = marker, pooling = "max" }, HttpStatusCode.BadRequest),
            ("/api/predict/text", new { model = ReferenceModelRoot.HfEncoder, text = marker }, HttpStatusCode.BadRequest),
            ("/api/predict/text", new { model = ReferenceModelRoot.HfClassifier, text = "" }, HttpStatusCode.BadRequest),
            ($"/api/models/{ReferenceModelRoot.HfNli}/tokenize", new { text = "" }, HttpStatusCode.BadRequest),
            ("/api/models/no-such-model/tokenize", new { text = marker }, HttpStatusCode.NotFound),
        ];

        foreach (var (route, body, status) in cases)
        {
            using var response = await fixture.Api.PostAsJsonAsync(route, body, Cancellation);
            var problem = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True(status == response.StatusCode, $"{route} {JsonSerializer.Serialize(body)[..Math.Min(120, JsonSerializer.Serialize(body).Length)]}: {(int)response.StatusCode} {problem}");
            Assert.Contains("\"detail\"", problem);
        }

        // A good request written after the bad ones: once it is in the log, any row of theirs would be too.
        await PostAsync("/api/predict/zero-shot", new { model = ReferenceModelRoot.HfNli, text = $"{marker} done", candidateLabels = new[] { "a", "b" } });
        var connection = await fixture.GetConnectionStringAsync("inferencedb");
        await PredictionCalls.PollCountAsync(connection, """SELECT count(*) FROM predictions WHERE "InputPreview" = @done""", count => count >= 1,
            parameters: [("done", $"{marker} done")]);
        Assert.Equal(0, await PredictionCalls.PollCountAsync(connection,
            """SELECT count(*) FROM predictions WHERE "InputPreview" = @marker AND "Outcome" = 'success'""", _ => true, parameters: [("marker", marker)]));
    }

    private async Task<JsonElement> PostAsync(string route, object body)
    {
        using var response = await fixture.Api.PostAsJsonAsync(route, body, Cancellation);
        var content = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode} {content}");
        return JsonDocument.Parse(content).RootElement;
    }

    private static Dictionary<string, float> Predictions(JsonElement answer) =>
        answer.GetProperty("predictions").EnumerateArray().ToDictionary(p => p.GetProperty("label").GetString()!, p => p.GetProperty("score").GetSingle());

    private static void AssertScores(JsonElement expected, IReadOnlyList<string> labels, IReadOnlyDictionary<string, float> actual)
    {
        Assert.Equal(labels.Count, actual.Count);
        for (var i = 0; i < labels.Count; i++)
        {
            Assert.InRange(actual[labels[i]], expected[i].GetSingle() - Tolerance, expected[i].GetSingle() + Tolerance);
        }
    }

    private static void AssertVector(JsonElement expected, JsonElement actual)
    {
        Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
        for (var i = 0; i < expected.GetArrayLength(); i++)
        {
            Assert.InRange(actual[i].GetSingle(), expected[i].GetSingle() - Tolerance, expected[i].GetSingle() + Tolerance);
        }
    }
}
