using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;
using static Inference.Tests.Protocol.GrpcTensors;
using static Inference.Tests.Protocol.OpenInferenceProtocol;

namespace Inference.Tests.Protocol;

/// <summary>
/// Drop-in Hugging Face models (no model.json) over the Open Inference Protocol: their metadata lists the inputs the
/// graph declares, and the token tensors that the tokenize route gives run to the same answers as the product routes
/// and the PyTorch reference, over REST and gRPC.
/// </summary>
public sealed class HuggingFaceOpenInferenceTests(AppHostFixture fixture) : IDisposable
{
    private const float Tolerance = 1e-4f;

    private static readonly JsonElement Expected = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(ReferenceModelRoot.HuggingFaceModels, "expected-outputs.json"))).RootElement;

    private readonly GrpcChannel _channel = Channel(fixture.GrpcEndpoint);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task RestMetadataAndInferOfTheNliModelAgreeWithTextPrediction()
    {
        const string text = "The new phone has an excellent camera.";
        var metadata = await fixture.Api.GetFromJsonAsync<JsonElement>($"/v2/models/{ReferenceModelRoot.HfNli}", Cancellation);
        var tokens = await PostAsync($"/api/models/{ReferenceModelRoot.HfNli}/tokenize", new { text });
        var predicted = await PostAsync("/api/predict/text", new { model = ReferenceModelRoot.HfNli, text, cache = false });

        var inputs = metadata.GetProperty("inputs").EnumerateArray().Select(input => input.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["attention_mask", "input_ids", "token_type_ids"], inputs.Order());
        var length = tokens.GetProperty("inputIds").GetArrayLength();
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray([.. inputs.Select(name => (JsonNode)JsonInput(name, "INT64", [1, length], Array(Ids(tokens, name))))]),
        };
        var result = await SendAsync(fixture.Api, Json($"/v2/models/{ReferenceModelRoot.HfNli}/infer", request));

        var logits = result.Data<float>(result.OutputNames.Single());
        var probabilities = Softmax(logits);
        string[] labels = ["contradiction", "neutral", "entailment"];
        var scores = predicted.GetProperty("predictions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("label").GetString()!, p => p.GetProperty("score").GetSingle());
        for (var i = 0; i < labels.Length; i++)
        {
            Assert.InRange(probabilities[i], scores[labels[i]] - Tolerance, scores[labels[i]] + Tolerance);
        }
    }

    [Fact]
    public async Task GrpcInferOfTheEncoderGivesTheReferenceEmbeddingOncePooled()
    {
        var reference = Expected.GetProperty(ReferenceModelRoot.HfEncoder)[1];
        var text = reference.GetProperty("text").GetString()!;
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = ReferenceModelRoot.HfEncoder }, cancellationToken: Cancellation);
        var tokens = await PostAsync($"/api/models/{ReferenceModelRoot.HfEncoder}/tokenize", new { text });
        var length = tokens.GetProperty("inputIds").GetArrayLength();

        var request = new ModelInferRequest { ModelName = ReferenceModelRoot.HfEncoder };
        foreach (var input in metadata.Inputs)
        {
            request.Inputs.Add(Input(input.Name, "INT64", [1, length]));
            request.RawInputContents.Add(Raw(Ids(tokens, input.Name)));
        }
        var response = await client.ModelInferAsync(request, cancellationToken: Cancellation);

        Assert.Contains("last_hidden_state", metadata.Outputs.Select(output => output.Name));
        var states = Values<float>(Output(response, "last_hidden_state"));
        var expected = reference.GetProperty("meanNormalized").EnumerateArray().Select(value => value.GetSingle()).ToArray();
        var dimensions = expected.Length;
        Assert.Equal(length * dimensions, states.Length);
        var mean = Enumerable.Range(0, dimensions).Select(d => Enumerable.Range(0, length).Average(t => states[t * dimensions + d])).ToArray();
        var norm = Math.Sqrt(mean.Sum(value => value * value));
        for (var d = 0; d < dimensions; d++)
        {
            Assert.InRange((float)(mean[d] / norm), expected[d] - Tolerance, expected[d] + Tolerance);
        }
    }

    private static long[] Ids(JsonElement tokens, string input) => input switch
    {
        "input_ids" => [.. tokens.GetProperty("inputIds").EnumerateArray().Select(id => id.GetInt64())],
        "attention_mask" => [.. tokens.GetProperty("attentionMask").EnumerateArray().Select(id => id.GetInt64())],
        "token_type_ids" => [.. tokens.GetProperty("tokenTypeIds").EnumerateArray().Select(id => id.GetInt64())],
        _ => throw new InvalidOperationException($"the model declares an input '{input}' that text models do not have"),
    };

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exponentials = logits.Select(logit => Math.Exp(logit - max)).ToArray();
        return [.. exponentials.Select(value => (float)(value / exponentials.Sum()))];
    }

    private async Task<JsonElement> PostAsync(string route, object body)
    {
        using var response = await fixture.Api.PostAsJsonAsync(route, body, Cancellation);
        var content = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode} {content}");
        return JsonDocument.Parse(content).RootElement;
    }
}
