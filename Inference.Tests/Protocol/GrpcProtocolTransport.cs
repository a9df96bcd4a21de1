using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;

namespace Inference.Tests.Protocol;

/// <summary>Sends a case over gRPC <c>ModelInfer</c> with raw contents, as tritonclient.grpc does by default.</summary>
public sealed class GrpcProtocolTransport(GrpcChannel channel)
{
    public async Task<ProtocolAnswer> InferAsync(ProtocolCase request, CancellationToken cancellationToken)
    {
        var message = new ModelInferRequest { ModelName = request.Model, ModelVersion = request.Version ?? "", Id = request.Name };
        foreach (var input in request.Inputs)
        {
            message.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.Datatype, Shape = { input.Shape } });
            message.RawInputContents.Add(ByteString.CopyFrom(input.Bytes));
        }
        foreach (var output in request.Outputs ?? [])
        {
            var requested = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output.Name };
            if (output.Classification > 0)
            {
                requested.Parameters["classification"] = new InferParameter { Int64Param = output.Classification };
            }
            message.Outputs.Add(requested);
        }

        try
        {
            var response = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(message, cancellationToken: cancellationToken);
            Assert.Equal(request.Name, response.Id);
            Assert.Equal(response.Outputs.Count, response.RawOutputContents.Count);
            return new ProtocolAnswer(ProtocolStatus.Ok, "", response.Outputs.Select((output, index) => new ProtocolTensor(
                    output.Name, output.Datatype, [.. output.Shape], response.RawOutputContents[index].ToByteArray()))
                .ToDictionary(output => output.Name));
        }
        catch (RpcException exception)
        {
            return new ProtocolAnswer(StatusOf(exception.StatusCode), exception.Status.Detail, new Dictionary<string, ProtocolTensor>());
        }
    }

    private static ProtocolStatus StatusOf(StatusCode status) => status switch
    {
        StatusCode.InvalidArgument => ProtocolStatus.InvalidArgument,
        StatusCode.NotFound => ProtocolStatus.NotFound,
        StatusCode.Unavailable => ProtocolStatus.Unavailable,
        StatusCode.ResourceExhausted => ProtocolStatus.ResourceExhausted,
        _ => throw new Xunit.Sdk.XunitException($"gRPC {status} is no status the protocol answers with."),
    };
}
