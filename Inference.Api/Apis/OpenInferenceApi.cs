using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Inference.Api.Auditing;
using Inference.Api.Monitoring;
using Inference.Api.OpenInference;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Inference.Api.Serving;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Inference.Api.Apis;

/// <summary>What the protocol handlers need, injected as one parameter.</summary>
public sealed record OpenInferenceServices(InferenceService Serving, IOptions<OpenInferenceOptions> Options);

/// <summary>
/// The Open Inference Protocol (KServe v2, as Triton speaks it) over REST: health, metadata, inference with the binary
/// tensor data and classification extensions, statistics and the model repository extension, so Triton and KServe
/// clients work unchanged against <c>http://host:port</c>.
/// </summary>
public static class OpenInferenceApi
{
    /// <summary>How protocol inferences are labelled in the prediction log.</summary>
    public const string PredictionRoute = "v2/infer";

    private const long RepositoryRequestMaxBytes = 64 * 1024;

    private const string InferDescription =
        "JSON body {\"id\", \"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}], \"outputs\": [{\"name\", \"parameters\"}], \"parameters\"}; "
        + "data is flat or nested row-major; BOOL as true/false, BYTES as strings, FP32/FP64 also as the bare tokens NaN, Infinity and -Infinity; "
        + "FP16/BF16 inputs and non-UTF-8 BYTES outputs only as binary data. "
        + "Binary tensor data extension: the JSON header is followed by each input's raw little-endian bytes (BYTES: 4-byte little-endian length + bytes "
        + "per element) in input order; the header Inference-Header-Content-Length gives the JSON's length and each such input has "
        + "parameters.binary_data_size. Outputs come back as binary data when an output asks for parameters.binary_data or the request sets "
        + "parameters.binary_data_output; the response is then application/octet-stream with Inference-Header-Content-Length. "
        + "parameters.classification = k on an output returns its top k classes as BYTES \"score:index:label\".";

    public static IEndpointRouteBuilder MapOpenInferenceApi(this IEndpointRouteBuilder app)
    {
        var protocol = app.MapGroup("v2").WithTags("Open Inference Protocol").AddEndpointFilter<OpenInferenceErrorFilter>();

        // Probes stay open, as orchestrators call them without credentials.
        var health = protocol.MapGroup("");
        health.MapGet("health/live", Live).WithName("OipServerLive").WithSummary("Server liveness: 200 when live");
        health.MapGet("health/ready", Ready).WithName("OipServerReady").WithSummary("Server readiness: 200 when every model has been tried, 400 before");

        var metadata = protocol.MapGroup("").RequireInferAccess();
        metadata.MapGet("", ServerMetadata).WithName("OipServerMetadata").WithSummary("Server name, version and protocol extensions");
        metadata.MapGet("models/{name}/ready", ModelReady).WithName("OipModelReady").WithSummary("Model readiness: 200 when it can serve, 400 otherwise");
        metadata.MapGet("models/{name}/versions/{version}/ready", ModelReady).WithName("OipModelVersionReady").WithSummary("Model version readiness");
        metadata.MapGet("models/{name}", ModelMetadata).WithName("OipModelMetadata")
            .WithSummary("Model metadata: versions, platform, inputs and outputs (-1 for dynamic dimensions)")
            .ProducesProtocolErrors(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        metadata.MapGet("models/{name}/versions/{version}", ModelMetadata).WithName("OipModelVersionMetadata").WithSummary("Model version metadata")
            .ProducesProtocolErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
        metadata.MapGet("models/stats", AllStatistics).WithName("OipStatistics").WithSummary("Statistics of every loaded model version (Triton's shape)");
        metadata.MapGet("models/{name}/stats", ModelStatistics).WithName("OipModelStatistics").WithSummary("Statistics of a model's versions")
            .ProducesProtocolErrors(StatusCodes.Status404NotFound);
        metadata.MapGet("models/{name}/versions/{version}/stats", ModelStatistics).WithName("OipModelVersionStatistics")
            .WithSummary("Statistics of one model version").ProducesProtocolErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        metadata.MapOpenInferenceModelConfig();

        var inference = protocol.MapGroup("").RequireInferAccess().WithRateLimit(RateLimitPolicies.Protocol).WithStageTiming()
            .AddEndpointFilter(EarlyAdmission.Tensors);
        inference.MapPost("models/{name}/infer", Infer).WithName("OipInfer").WithSummary("Run a model on raw tensors (JSON or binary tensor data)")
            .WithDescription(InferDescription).ProducesInferenceErrors();
        inference.MapPost("models/{name}/versions/{version}/infer", Infer).WithName("OipInferVersion").WithSummary("Run one version of a model on raw tensors")
            .WithDescription(InferDescription).ProducesInferenceErrors();

        var repository = protocol.MapGroup("repository").RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin);
        repository.MapPost("index", RepositoryIndex).WithName("OipRepositoryIndex")
            .WithSummary("Every model and version with its state; body {\"ready\": true} lists only ready ones")
            .ProducesProtocolErrors(StatusCodes.Status400BadRequest);
        repository.MapPost("models/{name}/load", LoadModel).WithName("OipLoadModel").WithSummary("Load or reload a model from its folder")
            .ProducesProtocolErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        repository.MapPost("models/{name}/unload", UnloadModel).WithName("OipUnloadModel").WithSummary("Stop serving a model")
            .ProducesProtocolErrors(StatusCodes.Status404NotFound);

        // Anything else under /v2 answers in the protocol's form too, not with an HTML or ProblemDetails 404/405.
        protocol.Map("{**path}", UnknownRoute).ExcludeFromDescription();
        return app;
    }

    public static Ok Live() => TypedResults.Ok();

    public static Results<Ok, BadRequest> Ready(ProtocolMetadata metadata) =>
        metadata.ServerReady ? TypedResults.Ok() : TypedResults.BadRequest();

    public static Ok<ServerMetadataResponse> ServerMetadata() =>
        TypedResults.Ok(new ServerMetadataResponse(ProtocolMetadata.ServerName, ProtocolMetadata.ServerVersion, ProtocolMetadata.Extensions));

    public static Results<Ok, BadRequest> ModelReady(string name, string? version, ProtocolMetadata metadata) =>
        ProtocolVersions.TryParse(version, out var number) && metadata.ModelReady(name, number) ? TypedResults.Ok() : TypedResults.BadRequest();

    public static Ok<ModelMetadata> ModelMetadata(string name, string? version, ProtocolMetadata metadata) =>
        TypedResults.Ok(metadata.Describe(name, ProtocolVersions.Parse(version)));

    public static async Task<OpenInferenceResponse> Infer(
        string name, string? version, HttpRequest request, [AsParameters] OpenInferenceServices services, CancellationToken cancellationToken)
    {
        var call = new ServingCall(PredictionRoute, name, ProtocolVersions.Parse(version),
            PredictionHeaders.StickyId(request.HttpContext, null), PredictionHeaders.KeyId(request.HttpContext),
            Routed: EarlyAdmission.Routed(request.HttpContext));
        var headerLength = OpenInferenceRequestReader.ParseHeaderLength(request.Headers[OpenInferenceResponse.HeaderContentLength]);
        var timing = RequestStageTiming.Of(request.HttpContext);
        using var body = await OpenInferenceRequestBody.ReadAsync(request, services.Options.Value.MaxRequestBytes, cancellationToken);
        var served = await services.Serving.InferTensorsAsync(call, () =>
        {
            var decoded = OpenInferenceRequestReader.Read(body.Span, headerLength);
            timing?.Parsed();
            return decoded;
        }, cancellationToken);
        timing?.Answered(served.Model);

        bool[] binary = [.. Enumerable.Range(0, served.Outputs.Length).Select(served.Request.IsBinary)];
        return new OpenInferenceResponse(served.Model, served.Version, served.Request.Id, served.Outputs, binary);
    }

    public static Ok<ModelStatisticsResponse> AllStatistics(ProtocolMetadata metadata) =>
        TypedResults.Ok(new ModelStatisticsResponse([.. metadata.StatisticsScope(null, null).Select(Statistics)]));

    public static Ok<ModelStatisticsResponse> ModelStatistics(string name, string? version, ProtocolMetadata metadata) =>
        TypedResults.Ok(new ModelStatisticsResponse([.. metadata.StatisticsScope(name, ProtocolVersions.Parse(version)).Select(Statistics)]));

    public static async Task<Ok<RepositoryIndexEntry[]>> RepositoryIndex(HttpRequest request, ProtocolMetadata metadata, CancellationToken cancellationToken)
    {
        var readyOnly = false;
        using (var body = await OpenInferenceRequestBody.ReadAsync(request, RepositoryRequestMaxBytes, cancellationToken))
        {
            if (body.Length > 0)
            {
                try
                {
                    readyOnly = JsonSerializer.Deserialize<RepositoryIndexRequest>(body.Span, JsonSerializerOptions.Web)?.Ready ?? false;
                }
                catch (JsonException exception)
                {
                    throw InferenceException.InvalidInput($"The index request is not valid JSON ({{\"ready\": true}}): {exception.Message}");
                }
            }
        }

        return TypedResults.Ok(metadata.RepositoryIndex(readyOnly).Select(row => new RepositoryIndexEntry(row.Name, row.Version, row.State, row.Reason)).ToArray());
    }

    public static async Task<Ok> LoadModel(string name, ModelAdministration models, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var entry = await models.LoadAsync(name, ApiCaller.From(user), AuditChannels.Protocol, cancellationToken);
        return entry.State == ModelStates.Ready
            ? TypedResults.Ok()
            : throw InferenceException.InvalidInput($"Model '{name}' failed to load: {entry.Reason}");
    }

    public static async Task<Ok> UnloadModel(string name, ModelAdministration models, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await models.UnloadAsync(name, ApiCaller.From(user), AuditChannels.Protocol, cancellationToken);
        return TypedResults.Ok();
    }

    public static JsonHttpResult<OpenInferenceError> UnknownRoute(HttpRequest request) =>
        OpenInferenceErrors.Error(StatusCodes.Status404NotFound, $"There is no protocol route {request.Method} {request.Path}.");

    private static ModelStatisticsDocument Statistics(ModelVersion model) =>
        ModelStatisticsDocument.From(model.Name, model.Version, model.Statistics.Snapshot());

    private static RouteHandlerBuilder ProducesProtocolErrors(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.Produces<OpenInferenceError>(statusCode);
        }
        return builder;
    }

    private static RouteHandlerBuilder ProducesInferenceErrors(this RouteHandlerBuilder builder) =>
        builder.ProducesProtocolErrors(
            StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status503ServiceUnavailable);
}
