using Grpc.Core;
using Inference.Api.Grpc.Protocol;
using Inference.Api.OpenInference;

namespace Inference.Api.Grpc;

/// <summary>Triton's model configuration extension over gRPC.</summary>
internal sealed partial class InferenceGrpcService
{
    /// <summary>The configuration of the named version, or of the newest; unknown and unavailable models fail as metadata does.</summary>
    public override Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelConfigResponse { Config = metadata.Configuration(request.Name, ProtocolVersions.Parse(request.Version)) });
}
