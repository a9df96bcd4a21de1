using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;
using static Inference.Tests.Protocol.GrpcTensors;

namespace Inference.Tests.Protocol;

/// <summary>Each failure gets the gRPC status code Triton would give and a message that says what was wrong.</summary>
[Collection(GrpcModelCollection.Name)]
public sealed class OpenInferenceGrpcErrorTests(AppHostFixture fixture) : IDisposable
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly GrpcChannel _channel = Channel(fixture.GrpcEndpoint);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    private static readonly ByteString Sixteen = Raw(new int[16]);

    public void Dispose() => _channel.Dispose();

    private static ModelInferRequest Simple(params (string Name, string Datatype, long[] Shape)[] inputs)
    {
        var request = new ModelInferRequest { ModelName = "simple" };
        foreach (var (name, datatype, shape) in inputs)
        {
            request.Inputs.Add(Input(name, datatype, shape));
            request.RawInputContents.Add(Sixteen);
        }
        return request;
    }

    private async Task<RpcException> FailsAsync(ModelInferRequest request) =>
        await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(request, cancellationToken: Cancellation));

    [Fact]
    public async Task UnknownModelIsNotFound()
    {
        var request = Simple(("INPUT0", "INT32", [1, 16]), ("INPUT1", "INT32", [1, 16]));
        request.ModelName = "no-such-model";

        var error = await FailsAsync(request);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("'no-such-model' does not exist", error.Status.Detail);
    }

    [Fact]
    public async Task UnknownVersionIsNotFound()
    {
        var request = Simple(("INPUT0", "INT32", [1, 16]), ("INPUT1", "INT32", [1, 16]));
        request.ModelVersion = "7";

        var error = await FailsAsync(request);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no version 7", error.Status.Detail);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("0")]
    public async Task VersionThatIsNotAPositiveIntegerIsInvalid(string version)
    {
        var request = Simple(("INPUT0", "INT32", [1, 16]), ("INPUT1", "INT32", [1, 16]));
        request.ModelVersion = version;

        var error = await FailsAsync(request);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"'{version}' is not a positive integer", error.Status.Detail);
    }

    [Fact]
    public async Task ModelThatFailedToLoadIsUnavailable()
    {
        var request = Simple(("INPUT0", "INT32", [1, 16]));
        request.ModelName = "broken";

        var error = await FailsAsync(request);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("'broken' is unavailable", error.Status.Detail);
    }

    [Fact]
    public async Task MetadataOfAnUnknownModelIsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "no-such-model" }, cancellationToken: Cancellation));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    public static TheoryData<string, string> InvalidRequests => new()
    {
        { "wrong datatype", "INPUT0" },
        { "unknown datatype", "FLOAT32" },
        { "raw byte count mismatch", "60 bytes" },
        { "typed element count mismatch", "15 elements" },
        { "typed contents in the wrong field", "int_contents, not fp32_contents" },
        { "missing input", "INPUT1" },
        { "unknown input", "INPUT9" },
        { "negative dimension", "negative dimension" },
        { "raw and typed mixed", "raw_input_contents" },
        { "fewer raw contents than inputs", "raw_input_contents has 1 entries for 2 inputs" },
        { "input without data", "has no data" },
        { "FP16 as typed contents", "send it in raw_input_contents" },
        { "unknown requested output", "OUTPUT7" },
        { "classification not int64", "classification" },
        { "value out of range", "outside the range of INT8" },
        { "BYTES length prefix past the end", "claims 100 bytes; only 2 remain" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task MalformedRequestsAreInvalidArgumentsThatSayWhy(string fault, string expectedInMessage)
    {
        var request = fault switch
        {
            "wrong datatype" => Simple(("INPUT0", "FP32", [1, 16]), ("INPUT1", "INT32", [1, 16])),
            "unknown datatype" => Simple(("INPUT0", "FLOAT32", [1, 16]), ("INPUT1", "INT32", [1, 16])),
            "missing input" => Simple(("INPUT0", "INT32", [1, 16])),
            "unknown input" => Simple(("INPUT0", "INT32", [1, 16]), ("INPUT1", "INT32", [1, 16]), ("INPUT9", "INT32", [1, 16])),
            "negative dimension" => Simple(("INPUT0", "INT32", [-1, 16]), ("INPUT1", "INT32", [1, 16])),
            _ => Simple(("INPUT0", "INT32", [1, 16]), ("INPUT1", "INT32", [1, 16])),
        };
        switch (fault)
        {
            case "raw byte count mismatch":
                request.RawInputContents[0] = Raw(new int[15]);
                break;
            case "typed element count mismatch":
                request.RawInputContents.Clear();
                request.Inputs[0].Contents = new InferTensorContents { IntContents = { new int[15] } };
                request.Inputs[1].Contents = new InferTensorContents { IntContents = { new int[16] } };
                break;
            case "typed contents in the wrong field":
                request.RawInputContents.Clear();
                request.Inputs[0].Contents = new InferTensorContents { Fp32Contents = { new float[16] } };
                request.Inputs[1].Contents = new InferTensorContents { IntContents = { new int[16] } };
                break;
            case "raw and typed mixed":
                request.Inputs[0].Contents = new InferTensorContents { IntContents = { new int[16] } };
                break;
            case "fewer raw contents than inputs":
                request.RawInputContents.RemoveAt(1);
                break;
            case "input without data":
                request.RawInputContents.Clear();
                break;
            case "FP16 as typed contents":
                request = new ModelInferRequest
                {
                    ModelName = "identity_fp16",
                    Inputs = { Input("INPUT0", "FP16", [1, 1], new InferTensorContents { Fp32Contents = { 1f } }) },
                };
                break;
            case "unknown requested output":
                request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT7" });
                break;
            case "classification not int64":
                request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor
                {
                    Name = "OUTPUT0",
                    Parameters = { ["classification"] = new InferParameter { StringParam = "3" } },
                });
                break;
            case "BYTES length prefix past the end":
                request = new ModelInferRequest
                {
                    ModelName = "identity_bytes",
                    Inputs = { Input("INPUT0", "BYTES", [1, 1]) },
                    RawInputContents = { ByteString.CopyFrom(100, 0, 0, 0, (byte)'h', (byte)'i') },
                };
                break;
            case "value out of range":
                request = new ModelInferRequest
                {
                    ModelName = "identity_int8",
                    Inputs = { Input("INPUT0", "INT8", [1, 1], new InferTensorContents { IntContents = { 300 } }) },
                };
                break;
        }

        var error = await FailsAsync(request);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expectedInMessage, error.Status.Detail);
    }

    [Fact]
    public async Task MessageOverTheReceiveLimitIsRefused()
    {
        var request = new ModelInferRequest
        {
            ModelName = "identity_uint8",
            Inputs = { Input("INPUT0", "UINT8", [1, 65 * 1024 * 1024]) },
            RawInputContents = { ByteString.CopyFrom(new byte[65 * 1024 * 1024]) },
        };

        var error = await FailsAsync(request);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("exceeds the maximum", error.Status.Detail);
    }

    [Fact]
    public async Task MessageUnderTheConfiguredLimitIsServedPastKestrelsDefaultBodyLimit()
    {
        // 60 MiB: under the 64 MiB OpenInference:MaxRequestBytes, over Kestrel's default 30 MB request body.
        const int size = 60 * 1024 * 1024;
        var data = new byte[size];
        data[^1] = 7;
        var request = new ModelInferRequest
        {
            ModelName = "identity_uint8",
            Inputs = { Input("INPUT0", "UINT8", [1, size]) },
            RawInputContents = { ByteString.CopyFrom(data) },
        };

        var response = await Client.ModelInferAsync(request, cancellationToken: Cancellation);

        Assert.Equal(size, response.RawOutputContents[0].Length);
        Assert.Equal(7, response.RawOutputContents[0].Span[^1]);
    }
}
