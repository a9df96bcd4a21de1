using Grpc.Core;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using static Inference.Tests.Protocol.GrpcTensors;

using Inference.Tests.EndToEnd;

namespace Inference.Tests.Protocol;

/// <summary>Triton's <c>ModelStreamInfer</c> and <c>ModelConfig</c> as tritonclient.grpc uses them.</summary>
[Collection(GrpcModelCollection.Name)]
public sealed class OpenInferenceGrpcStreamingTests(AppHostFixture fixture) : IDisposable
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly GrpcChannel _channel = Channel(fixture.GrpcEndpoint);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    private static ModelInferRequest Identity(string id, params int[] values) => new()
    {
        ModelName = "identity_int32",
        Id = id,
        Inputs = { Input("INPUT0", "INT32", [values.Length, 1]) },
        RawInputContents = { Raw(values) },
    };

    [Fact]
    public async Task StreamAnswersEveryRequestInOrderAndCarriesOnPastAFailedOne()
    {
        var failing = Identity("second", 1);
        failing.ModelName = "no-such-model";
        ModelInferRequest[] requests = [Identity("first", 1, 2), failing, Identity("third", 3, 4, 5)];

        using var call = Client.ModelStreamInfer(cancellationToken: Cancellation);
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request, Cancellation);
        }
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync(Cancellation).ToListAsync(Cancellation);

        Assert.Equal(["first", "second", "third"], responses.Select(response => response.InferResponse.Id));
        Assert.Equal([1, 2], Values<int>(Output(responses[0].InferResponse, "OUTPUT0")));
        Assert.Contains("'no-such-model' does not exist", responses[1].ErrorMessage);
        Assert.Empty(responses[1].InferResponse.Outputs);
        Assert.Equal([3, 4, 5], Values<int>(Output(responses[2].InferResponse, "OUTPUT0")));
        Assert.Equal("", responses[0].ErrorMessage + responses[2].ErrorMessage);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task StreamedRequestsRunLikeUnaryOnes()
    {
        var request = Identity("same", 7, 8);
        var unary = await Client.ModelInferAsync(request, cancellationToken: Cancellation);

        using var call = Client.ModelStreamInfer(cancellationToken: Cancellation);
        await call.RequestStream.WriteAsync(request, Cancellation);
        await call.RequestStream.CompleteAsync();
        var streamed = Assert.Single(await call.ResponseStream.ReadAllAsync(Cancellation).ToListAsync(Cancellation));

        Assert.Equal(unary, streamed.InferResponse);
    }

    [Fact]
    public async Task ModelConfigDescribesTheBatchedModelAsTritonDoes()
    {
        var response = await Client.ModelConfigAsync(new ModelConfigRequest { Name = "simple" }, cancellationToken: Cancellation);
        var versioned = await Client.ModelConfigAsync(new ModelConfigRequest { Name = "simple", Version = "1" }, cancellationToken: Cancellation);

        var config = response.Config;
        Assert.Equal(("simple", "onnxruntime_onnx", "onnxruntime"), (config.Name, config.Platform, config.Backend));
        Assert.Equal(32, config.MaxBatchSize);
        Assert.Equal(["INPUT0:TypeInt32:16", "INPUT1:TypeInt32:16"], config.Input.Select(input => $"{input.Name}:{input.DataType}:{string.Join(",", input.Dims)}"));
        Assert.Equal(["OUTPUT0:TypeInt32:16", "OUTPUT1:TypeInt32:16"], config.Output.Select(output => $"{output.Name}:{output.DataType}:{string.Join(",", output.Dims)}"));
        Assert.Equal([32], config.DynamicBatching.PreferredBatchSize);
        Assert.Equal(1000UL, config.DynamicBatching.MaxQueueDelayMicroseconds);
        var instances = Assert.Single(config.InstanceGroup);
        Assert.Equal((1, ModelInstanceGroup.Types.Kind.Cpu), (instances.Count, instances.Kind));
        Assert.Equal(1u, config.VersionPolicy.Latest.NumVersions);
        Assert.Equal(config, versioned.Config);
    }

    [Theory]
    [InlineData("no-such-model", "", StatusCode.NotFound)]
    [InlineData("simple", "9", StatusCode.NotFound)]
    [InlineData("broken", "", StatusCode.Unavailable)]
    public async Task ModelConfigOfAModelThatCannotServeFailsAsMetadataDoes(string model, string version, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ModelConfigAsync(new ModelConfigRequest { Name = model, Version = version }, cancellationToken: Cancellation));

        Assert.Equal(expected, error.StatusCode);
    }
}
