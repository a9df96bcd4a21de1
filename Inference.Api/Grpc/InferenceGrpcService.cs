using Grpc.Core;
using Inference.Api.Grpc.Protocol;
using Inference.Api.OpenInference;
using Inference.Api.Serving;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using Microsoft.AspNetCore.Authorization;

namespace Inference.Api.Grpc;

/// <summary>
/// The Open Inference Protocol's <c>GRPCInferenceService</c> (KServe v2, Triton): health, metadata and inference, plus
/// Triton's statistics and model repository extensions in <c>InferenceGrpcService.Repository.cs</c>. A thin layer:
/// conversions live in <see cref="GrpcTensorConversion"/>, error mapping in <see cref="InferenceErrorInterceptor"/>, and
/// requests that cannot be parsed are refused by <see cref="RequestParsingBinding"/>.
/// </summary>
[BindServiceMethod(typeof(RequestParsingBinding), nameof(RequestParsingBinding.BindService))]
internal sealed partial class InferenceGrpcService(
    InferenceService serving, ProtocolMetadata metadata, ModelAdministration models)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    public const string PredictionRoute = "grpc/infer";

    // Probes stay open, as orchestrators call them without credentials.
    [AllowAnonymous]
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    [AllowAnonymous]
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = metadata.ServerReady });

    /// <summary>Not ready (unknown, unavailable, no such version) is an answer, not an error, as in Triton.</summary>
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        bool ready;
        try
        {
            ready = metadata.ModelReady(request.Name, ProtocolVersions.Parse(request.Version));
        }
        catch (InferenceException)
        {
            ready = false;
        }
        return Task.FromResult(new ModelReadyResponse { Ready = ready });
    }

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse
        {
            Name = ProtocolMetadata.ServerName,
            Version = ProtocolMetadata.ServerVersion,
            Extensions = { ProtocolMetadata.Extensions },
        });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var model = metadata.Describe(request.Name, ProtocolVersions.Parse(request.Version));
        var response = new ModelMetadataResponse { Name = model.Name, Platform = model.Platform, Versions = { model.Versions } };
        response.Inputs.Add(model.Inputs.Select(ToProto));
        response.Outputs.Add(model.Outputs.Select(ToProto));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var httpContext = context.GetHttpContext();
        var call = new ServingCall(PredictionRoute, request.ModelName, ProtocolVersions.Parse(request.ModelVersion),
            Apis.PredictionHeaders.StickyId(httpContext, null), Apis.PredictionHeaders.KeyId(httpContext));
        var served = await serving.InferTensorsAsync(call, () => GrpcTensorConversion.ToInferenceRequest(request), context.CancellationToken);
        return GrpcTensorConversion.ToResponse(served.Request.Id ?? "", served.Model, served.Version, served.Outputs);
    }

    private static ModelMetadataResponse.Types.TensorMetadata ToProto(TensorMetadata tensor) =>
        new() { Name = tensor.Name, Datatype = tensor.Datatype, Shape = { tensor.Shape } };
}
