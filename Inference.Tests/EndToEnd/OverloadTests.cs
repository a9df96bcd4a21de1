using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference.Api.Grpc.Protocol;
using Inference.Engine.Processing;
using static Inference.Tests.Protocol.GrpcTensors;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// Floods a model whose queue-time budget is one microsecond (<see cref="ReferenceModelRoot.OverloadModel"/>, flooded by
/// no other test) on each transport: some requests are shed at once with 503 and Retry-After (gRPC UNAVAILABLE), nothing
/// fails any other way, and the admitted ones answer correctly. Counts are bounded; nothing is timed.
/// </summary>
public sealed class OverloadTests(AppHostFixture fixture)
{
    private const int Flood = 300;
    private const int MaxRounds = 3;
    private const string Model = ReferenceModelRoot.OverloadModel;
    private const string PositiveText = "An absolutely wonderful film, I loved every minute of it";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFloodOnPredictIsShedWith503AndRetryAfterWhileAdmittedRequestsAnswer()
    {
        using var client = await UnthrottledClientAsync();

        var outcomes = await FloodUntilShedAsync(async () =>
        {
            using var response = await client.PostAsJsonAsync("/api/predict/text", new { text = PositiveText, model = Model }, Cancellation);
            var body = await response.Content.ReadAsStringAsync(Cancellation);
            return new Outcome(response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType, body);
        });

        var admitted = AssertShedCleanly(outcomes);
        Assert.All(admitted, outcome => Assert.Equal("positive", JsonDocument.Parse(outcome.Body).RootElement.GetProperty("label").GetString()));
        Assert.All(outcomes.Where(outcome => outcome.Status == HttpStatusCode.ServiceUnavailable), outcome =>
        {
            Assert.Equal("application/problem+json", outcome.MediaType);
            Assert.Contains("queue-time budget", JsonDocument.Parse(outcome.Body).RootElement.GetProperty("detail").GetString());
        });

        // The overview counts them (this replica's last minute; other tests may only add to it).
        var shed = outcomes.Count(outcome => outcome.Status == HttpStatusCode.ServiceUnavailable);
        var summary = JsonDocument.Parse(await fixture.AdminApi.GetStringAsync("/api/admin/summary", Cancellation)).RootElement;
        var refusals = summary.GetProperty("figures").GetProperty("refusalsPerSecond").GetDouble()
            * TimeSpan.Parse(summary.GetProperty("figuresWindow").GetString()!, System.Globalization.CultureInfo.InvariantCulture).TotalSeconds;
        Assert.True(refusals >= shed - 0.01, $"the overview counts {refusals} refusals in its window; this flood alone had {shed}");
    }

    [Fact]
    public async Task AFloodOnTheProtocolsRestRoutesIsShedWith503ErrorBodiesAndRetryAfter()
    {
        using var client = await UnthrottledClientAsync();
        var encoded = Encode();
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(
                JsonInput("input_ids", encoded.Length, encoded.InputIds),
                JsonInput("attention_mask", encoded.Length, encoded.AttentionMask)),
        }.ToJsonString();

        var outcomes = await FloodUntilShedAsync(async () =>
        {
            using var content = new StringContent(request, System.Text.Encoding.UTF8, "application/json");
            using var response = await client.PostAsync($"/v2/models/{Model}/infer", content, Cancellation);
            var body = await response.Content.ReadAsStringAsync(Cancellation);
            return new Outcome(response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType, body);
        });

        var admitted = AssertShedCleanly(outcomes);
        Assert.All(admitted, outcome =>
        {
            var logits = JsonDocument.Parse(outcome.Body).RootElement.GetProperty("outputs")[0].GetProperty("data");
            Assert.True(logits[1].GetSingle() > logits[0].GetSingle(), "the admitted answer is the model's: positive");
        });
        Assert.All(outcomes.Where(outcome => outcome.Status == HttpStatusCode.ServiceUnavailable), outcome =>
            Assert.Contains("queue-time budget", JsonDocument.Parse(outcome.Body).RootElement.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task AFloodOverGrpcIsShedWithUnavailableAndARetryAfterTrailer()
    {
        var key = await CreateUnthrottledKeyAsync();
        using var channel = Channel(fixture.GrpcEndpoint, key);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var encoded = Encode();
        var request = new ModelInferRequest
        {
            ModelName = Model,
            Inputs = { Input("input_ids", "INT64", [1, encoded.Length]), Input("attention_mask", "INT64", [1, encoded.Length]) },
            RawInputContents = { Raw(encoded.InputIds), Raw(encoded.AttentionMask) },
        };

        var outcomes = await FloodUntilShedAsync(async () =>
        {
            try
            {
                var response = await client.ModelInferAsync(request, cancellationToken: Cancellation);
                var logits = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray();
                return new Outcome(HttpStatusCode.OK, null, null, JsonSerializer.Serialize(logits));
            }
            catch (RpcException error)
            {
                // UNAVAILABLE is this test's 503; anything else is reported as a 500 to fail the check below.
                var status = error.StatusCode == StatusCode.Unavailable ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.InternalServerError;
                var retryAfter = error.Trailers.GetValue("retry-after") is { } seconds ? TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)) : (TimeSpan?)null;
                return new Outcome(status, retryAfter, null, $"{error.StatusCode}: {error.Status.Detail}");
            }
        });

        var admitted = AssertShedCleanly(outcomes);
        Assert.All(admitted, outcome =>
        {
            var logits = JsonSerializer.Deserialize<float[]>(outcome.Body)!;
            Assert.True(logits[1] > logits[0], "the admitted answer is the model's: positive");
        });
    }

    [Fact]
    public async Task AdmissionRefusesBeforeTheBodyIsReadOrTheTextChecked()
    {
        using var client = await UnthrottledClientAsync();
        var encoded = Encode();
        var tensors = new JsonObject
        {
            ["inputs"] = new JsonArray(
                JsonInput("input_ids", encoded.Length, encoded.InputIds),
                JsonInput("attention_mask", encoded.Length, encoded.AttentionMask)),
        }.ToJsonString();
        // Refused with 400 and 413 once read; while the model is over its budget, admission answers 503 before that.
        var unreadableTensors = "{\"inputs\": [ this is not JSON";
        var overlongText = new string('a', 20_001);

        var outcomes = new List<(string Kind, Outcome Outcome)>();
        for (var round = 0; round < MaxRounds && !(Shed(outcomes, "tensors") && Shed(outcomes, "text")); round++)
        {
            // Twice the other floods: a quarter of them fills each of the two queues.
            outcomes.AddRange(await Task.WhenAll(Enumerable.Range(0, 2 * Flood).Select(index => Task.Run(async () =>
            {
                // Valid requests fill both of the model's queues (raw tensors and texts) for the others to meet.
                var (kind, response) = (index % 4) switch
                {
                    0 => ("tensors", await client.PostAsync($"/v2/models/{Model}/infer", new StringContent(unreadableTensors, System.Text.Encoding.UTF8, "application/json"), Cancellation)),
                    1 => ("text", await client.PostAsJsonAsync("/api/predict/text", new { text = overlongText, model = Model }, Cancellation)),
                    2 => ("flood", await client.PostAsync($"/v2/models/{Model}/infer", new StringContent(tensors, System.Text.Encoding.UTF8, "application/json"), Cancellation)),
                    _ => ("flood", await client.PostAsJsonAsync("/api/predict/text", new { text = PositiveText, model = Model }, Cancellation)),
                };
                using (response)
                {
                    var body = await response.Content.ReadAsStringAsync(Cancellation);
                    return (kind, new Outcome(response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType, body));
                }
            }, Cancellation))));
        }

        Assert.All(outcomes.Where(outcome => outcome.Kind == "tensors"), outcome => Assert.Contains(outcome.Outcome.Status, new[] { HttpStatusCode.BadRequest, HttpStatusCode.ServiceUnavailable }));
        Assert.All(outcomes.Where(outcome => outcome.Kind == "text"), outcome => Assert.Contains(outcome.Outcome.Status, new[] { HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.ServiceUnavailable }));
        Assert.True(Shed(outcomes, "tensors"), "no unreadable tensor request was refused before its body was read");
        Assert.True(Shed(outcomes, "text"), "no overlong text was refused before its length was checked");
        // Each transport's own error form, with a Retry-After.
        var tensorRefusal = outcomes.First(outcome => outcome.Kind == "tensors" && outcome.Outcome.Status == HttpStatusCode.ServiceUnavailable).Outcome;
        Assert.Contains("queue-time budget", JsonDocument.Parse(tensorRefusal.Body).RootElement.GetProperty("error").GetString());
        Assert.True(tensorRefusal.RetryAfter >= TimeSpan.FromSeconds(1));
        var textRefusal = outcomes.First(outcome => outcome.Kind == "text" && outcome.Outcome.Status == HttpStatusCode.ServiceUnavailable).Outcome;
        Assert.Equal("application/problem+json", textRefusal.MediaType);
        Assert.True(textRefusal.RetryAfter >= TimeSpan.FromSeconds(1));
    }

    private static bool Shed(List<(string Kind, Outcome Outcome)> outcomes, string kind) =>
        outcomes.Any(outcome => outcome.Kind == kind && outcome.Outcome.Status == HttpStatusCode.ServiceUnavailable);

    private sealed record Outcome(HttpStatusCode Status, TimeSpan? RetryAfter, string? MediaType, string Body);

    /// <summary>
    /// Sends <see cref="Flood"/> requests at once, again (at most <see cref="MaxRounds"/> times) until one is shed: the first
    /// flood may meet a batcher that has not yet observed a run, and so has nothing to estimate a wait from.
    /// </summary>
    private static async Task<Outcome[]> FloodUntilShedAsync(Func<Task<Outcome>> send)
    {
        var all = new List<Outcome>();
        for (var round = 0; round < MaxRounds && !all.Any(outcome => outcome.Status == HttpStatusCode.ServiceUnavailable); round++)
        {
            all.AddRange(await Task.WhenAll(Enumerable.Range(0, Flood).Select(_ => Task.Run(send, Cancellation))));
        }
        return [.. all];
    }

    /// <summary>Some were shed with 503 and a Retry-After, the rest answered 200, nothing else; returns the admitted ones.</summary>
    private static Outcome[] AssertShedCleanly(Outcome[] outcomes)
    {
        var unexpected = outcomes.Where(outcome => outcome.Status is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)).ToArray();
        Assert.True(unexpected.Length == 0, $"{unexpected.Length} answers were neither 200 nor 503, e.g. {unexpected.FirstOrDefault()}");
        var shed = outcomes.Where(outcome => outcome.Status == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.NotEmpty(shed);
        Assert.All(shed, outcome => Assert.True(outcome.RetryAfter >= TimeSpan.FromSeconds(1), $"a 503 without Retry-After: {outcome}"));
        var admitted = outcomes.Where(outcome => outcome.Status == HttpStatusCode.OK).ToArray();
        Assert.NotEmpty(admitted);
        return admitted;
    }

    private static EncodedText Encode() =>
        new TextEncoder(Path.Combine(TestPaths.ProjectModels, "sentiment", "1", "vocab.txt"), lowercase: true, maxSequenceLength: 128).Encode(PositiveText);

    private static JsonObject JsonInput(string name, int length, long[] data) => new()
    {
        ["name"] = name,
        ["shape"] = new JsonArray(1, length),
        ["datatype"] = "INT64",
        ["data"] = new JsonArray([.. data.Select(value => JsonValue.Create(value))]),
    };

    /// <summary>A key whose own rate limit is far above the flood, so only admission control refuses.</summary>
    private async Task<string> CreateUnthrottledKeyAsync()
    {
        var response = await fixture.AdminApi.PostAsJsonAsync("/api/admin/keys",
            new { name = "overload flood", scopes = new[] { "infer" }, rateLimit = new { permitLimit = 1_000_000, window = "00:00:01" } }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await response.Content.ReadFromJsonAsync<CreatedKeyDto>(Cancellation))!.Key;
        // One call first, so the API has the new key cached: its first lookups would otherwise all go to Postgres at once.
        using var client = fixture.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me", Cancellation)).StatusCode);
        return key;
    }

    private async Task<HttpClient> UnthrottledClientAsync() => fixture.ClientWithKey(await CreateUnthrottledKeyAsync());
}
