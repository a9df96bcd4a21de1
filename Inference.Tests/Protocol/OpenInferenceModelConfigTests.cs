using System.Text.Json;
using static Inference.Tests.Protocol.OpenInferenceProtocol;

using Inference.Tests.EndToEnd;

namespace Inference.Tests.Protocol;

/// <summary>
/// Triton's model configuration over REST, in Triton's JSON: proto field names, every primitive field present, enums by
/// name, dims and other int64 fields as numbers, and no batch dimension in dims when max_batch_size is above zero.
/// </summary>
public sealed class OpenInferenceModelConfigTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<JsonElement> ConfigAsync(string path)
    {
        var response = await fixture.Api.GetAsync(path, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Theory]
    [InlineData("/v2/models/simple/config")]
    [InlineData("/v2/models/simple/versions/1/config")]
    public async Task ConfigOfABatchedTensorModelIsTritonsJson(string path)
    {
        var config = await ConfigAsync(path);

        Assert.Equal("simple", config.GetProperty("name").GetString());
        Assert.Equal("onnxruntime_onnx", config.GetProperty("platform").GetString());
        Assert.Equal("onnxruntime", config.GetProperty("backend").GetString());
        Assert.Equal(32, config.GetProperty("max_batch_size").GetInt32());
        var input = config.GetProperty("input")[0];
        Assert.Equal("INPUT0", input.GetProperty("name").GetString());
        Assert.Equal("TYPE_INT32", input.GetProperty("data_type").GetString());
        Assert.Equal("FORMAT_NONE", input.GetProperty("format").GetString());
        Assert.Equal(JsonValueKind.Number, input.GetProperty("dims")[0].ValueKind);
        Assert.Equal([16L], input.GetProperty("dims").Deserialize<long[]>()!);
        Assert.Equal(["OUTPUT0", "OUTPUT1"], config.GetProperty("output").EnumerateArray().Select(output => output.GetProperty("name").GetString()));
        var batching = config.GetProperty("dynamic_batching");
        Assert.Equal([32], batching.GetProperty("preferred_batch_size").Deserialize<int[]>()!);
        Assert.Equal(JsonValueKind.Number, batching.GetProperty("max_queue_delay_microseconds").ValueKind);
        Assert.Equal(1000, batching.GetProperty("max_queue_delay_microseconds").GetInt64());
        var instances = Assert.Single(config.GetProperty("instance_group").EnumerateArray());
        Assert.Equal(("KIND_CPU", 1), (instances.GetProperty("kind").GetString(), instances.GetProperty("count").GetInt32()));
        Assert.Equal(1, config.GetProperty("version_policy").GetProperty("latest").GetProperty("num_versions").GetInt32());
    }

    [Fact]
    public async Task ConfigOfAnImageModelNamesItsLayoutAndKeepsFixedDimensions()
    {
        var config = await ConfigAsync("/v2/models/mobilenet/config");

        var input = config.GetProperty("input")[0];
        Assert.Equal("TYPE_FP32", input.GetProperty("data_type").GetString());
        Assert.Equal("FORMAT_NCHW", input.GetProperty("format").GetString());
        Assert.Equal([3L, 224L, 224L], input.GetProperty("dims").Deserialize<long[]>()!);
    }

    [Theory]
    [InlineData("/v2/models/no_such_model/config", 404)]
    [InlineData("/v2/models/simple/versions/9/config", 404)]
    [InlineData("/v2/models/simple/versions/first/config", 400)]
    [InlineData("/v2/models/broken/config", 503)]
    public async Task ConfigOfAModelThatCannotServeIsAProtocolError(string path, int expectedStatus)
    {
        var (status, error, _) = await SendFailingAsync(fixture.Api, new HttpRequestMessage(HttpMethod.Get, path));

        Assert.Equal(expectedStatus, status);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task RestAndGrpcDescribeTheSameConfiguration()
    {
        using var channel = GrpcTensors.Channel(fixture.GrpcEndpoint);
        var client = new Inference.Api.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var rest = await ConfigAsync("/v2/models/sentiment/config");
        var grpc = (await client.ModelConfigAsync(new() { Name = "sentiment" }, cancellationToken: Cancellation)).Config;

        Assert.Equal(grpc.MaxBatchSize, rest.GetProperty("max_batch_size").GetInt32());
        Assert.Equal(grpc.Input.Select(input => $"{input.Name}:{string.Join(",", input.Dims)}"),
            rest.GetProperty("input").EnumerateArray().Select(input => $"{input.GetProperty("name").GetString()}:{string.Join(",", input.GetProperty("dims").Deserialize<long[]>()!)}"));
    }
}
