using System.Diagnostics;
using Grpc.Core;
using Inference.Api.Data;
using Inference.Api.Grpc.Protocol;
using Inference.Api.Routing;
using Microsoft.AspNetCore.Authorization;
using Inference.Api.Inference;
using Inference.Api.Inference.Tensors;
using Inference.Api.Models;
using Inference.Api.OpenInference;
using Inference.Api.Serving;

namespace Inference.Api.Grpc;

/// <summary>
/// The Open Inference Protocol's <c>GRPCInferenceService</c> (KServe v2, Triton): health, metadata and inference, plus
/// Triton's statistics and model repository extensions in <c>InferenceGrpcService.Repository.cs</c>. A thin layer:
/// conversions live in <see cref="GrpcTensorConversion"/>, error mapping in <see cref="InferenceErrorInterceptor"/>, and
/// requests that cannot be parsed are refused by <see cref="RequestParsingBinding"/>.
/// </summary>
[BindServiceMethod(typeof(RequestParsingBinding), nameof(RequestParsingBinding.BindService))]
internal sealed partial class InferenceGrpcService(
    InferenceEngine engine, ProtocolMetadata metadata, ModelRepository repository, PredictionLog predictionLog, TrafficRouter router, ModelAdministration models)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    public const string PredictionRoute = "grpc/infer";
    private const string ClassificationParameter = "classification";

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
            ready = metadata.ModelReady(request.Name, ProtocolVersions.Parse(request.Name, request.Version));
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
        var model = metadata.Describe(request.Name, ProtocolVersions.Parse(request.Name, request.Version));
        var response = new ModelMetadataResponse { Name = model.Name, Platform = model.Platform, Versions = { model.Versions } };
        response.Inputs.Add(model.Inputs.Select(ToProto));
        response.Outputs.Add(model.Outputs.Select(ToProto));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var model = ResolveForInference(request.ModelName, request.ModelVersion, context);
        var inputs = GrpcTensorConversion.ToInferTensors(request);
        var classifications = request.Outputs.Select(ClassificationCount).ToArray();

        var started = Stopwatch.GetTimestamp();
        var outputs = await engine.InferTensorsAsync(
            model, inputs, [.. request.Outputs.Select(output => output.Name)], InferencePriority.Online, context.CancellationToken);
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        predictionLog.Add(TensorPredictionRecords.Create(model, inputs, outputs, PredictionRoute, elapsedMs, Apis.PredictionHeaders.KeyId(context.GetHttpContext())));

        // Outputs come back in the requested order, so a requested output's parameters line up with its tensor.
        for (var i = 0; i < classifications.Length; i++)
        {
            if (classifications[i] is { } k)
            {
                outputs[i] = TensorClassification.TopK(outputs[i], k, model.Labels);
            }
        }
        return GrpcTensorConversion.ToResponse(request.Id, model.Name, model.Version, outputs);
    }

    /// <summary>
    /// The one place a version is chosen: the one named, else the model's traffic split's choice (sticky by the
    /// <c>x-client-id</c> metadata or the caller's key), else the newest.
    /// </summary>
    private ModelVersion ResolveForInference(string name, string version, ServerCallContext context) =>
        engine.ResolveModel(name, router.Route(name, ProtocolVersions.Parse(name, version), Apis.PredictionHeaders.StickyId(context.GetHttpContext(), null)).Version);

    /// <summary>Triton's classification extension: <c>classification</c> (int64) on a requested output asks for its top k.</summary>
    private static int? ClassificationCount(ModelInferRequest.Types.InferRequestedOutputTensor output)
    {
        if (!output.Parameters.TryGetValue(ClassificationParameter, out var parameter))
        {
            return null;
        }
        return parameter.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.Int64Param && parameter.Int64Param is >= 1 and <= int.MaxValue
            ? (int)parameter.Int64Param
            : throw InferenceException.InvalidInput(
                $"'{ClassificationParameter}' on output '{output.Name}' must be an int64_param of at least 1.");
    }

    private static ModelMetadataResponse.Types.TensorMetadata ToProto(TensorMetadata tensor) =>
        new() { Name = tensor.Name, Datatype = tensor.Datatype, Shape = { tensor.Shape } };
}
