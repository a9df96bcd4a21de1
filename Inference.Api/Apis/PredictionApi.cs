using Inference.Api.Caching;
using Inference.Api.Monitoring;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Inference.Api.Serving;
using Inference.Engine;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Inference.Api.Apis;

/// <summary>What the prediction handlers need, injected as one parameter.</summary>
public sealed record PredictionServices(
    InferenceService Serving,
    IOptions<InferenceOptions> Options);

/// <summary>Text and image classification over JSON and multipart uploads.</summary>
public static class PredictionApi
{
    /// <summary>How text and image predictions are labelled in the prediction log.</summary>
    public const string TextRoute = "predict/text";

    public const string ImageRoute = "predict/image";

    private const int MultipartOverheadBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapPredictionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/predict").WithTags("Predict").AddEndpointFilter<InferenceErrorFilter>()
            .RequireInferAccess().WithRateLimit(RateLimitPolicies.Predict).WithStageTiming();

        api.MapPost("/text", PredictText)
            .AddEndpointFilter(EarlyAdmission.Text)
            .WithName("PredictText")
            .WithSummary("Classify a text")
            .WithDescription("Runs a text-classification model (default: sentiment) on a text, or a pair with textPair. Without a version the "
                + "model's traffic split chooses one (sticky by clientId, X-Client-Id or API key). Texts longer than the model's token limit are "
                + "refused with 400 unless \"truncation\": true (then cut as Hugging Face does, and \"truncated\": true). A multi-label model "
                + "scores every label with a sigmoid and lists those at or above its threshold in \"labels\". "
                + "Cache-Control: no-cache, ?cache=false or \"cache\": false skip the cache; X-Cache and X-Model-Version say what answered.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        api.MapPost("/image", PredictImage)
            .AddEndpointFilter(EarlyAdmission.Image)
            .WithName("PredictImage")
            .WithSummary("Classify an uploaded image")
            .WithDescription("multipart/form-data with a 'file' field (JPEG, PNG, WebP, GIF, BMP). Query: model, version, top (default 5), "
                + "cache=false, clientId (or X-Client-Id) for a sticky version of the traffic split.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return app;
    }

    public static async Task<Ok<PredictionResponse>> PredictText(
        TextPredictionRequest? request, HttpContext context, [AsParameters] PredictionServices services, CancellationToken cancellationToken)
    {
        var timing = RequestStageTiming.Of(context);
        timing?.Parsed();
        if (request?.Text is null)
        {
            throw InferenceException.InvalidInput("The body must be JSON with a 'text' field, e.g. {\"text\": \"I loved it\"}.");
        }

        var call = new ServingCall(TextRoute, request.Model, request.Version,
            PredictionHeaders.StickyId(context, request.ClientId), PredictionHeaders.KeyId(context), PredictionHeaders.UseCache(context.Request, request.Cache),
            Routed: EarlyAdmission.Routed(context));
        var prediction = await services.Serving.PredictTextAsync(call, new TextInput(request.Text, request.TextPair, request.Truncation ?? false), cancellationToken);
        timing?.Answered(prediction.Result.Model);
        PredictionHeaders.Write(context.Response, prediction);
        return TypedResults.Ok(PredictionResponse.From(prediction.Result, prediction.Cache == CacheOutcome.Hit));
    }

    public static async Task<Ok<PredictionResponse>> PredictImage(
        HttpRequest request,
        [AsParameters] PredictionServices services,
        string? model,
        int? version,
        int? top,
        string? clientId,
        CancellationToken cancellationToken)
    {
        services.Serving.CheckImageModel(model, version);
        var timing = RequestStageTiming.Of(request.HttpContext);
        var image = await ReadUploadAsync(request, services.Options.Value.MaxImageBytes, cancellationToken);
        timing?.Parsed();
        var call = new ServingCall(ImageRoute, model, version,
            PredictionHeaders.StickyId(request.HttpContext, clientId), PredictionHeaders.KeyId(request.HttpContext), PredictionHeaders.UseCache(request, null),
            Routed: EarlyAdmission.Routed(request.HttpContext));
        var prediction = await services.Serving.PredictImageAsync(call, image, top ?? 5, cancellationToken);
        timing?.Answered(prediction.Result.Model);
        PredictionHeaders.Write(request.HttpContext.Response, prediction);
        return TypedResults.Ok(PredictionResponse.From(prediction.Result, prediction.Cache == CacheOutcome.Hit));
    }

    /// <summary>Reads the 'file' field of a multipart form, refusing oversized bodies before buffering them.</summary>
    private static async Task<byte[]> ReadUploadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw new InferenceException(InferenceErrorKind.UnsupportedMediaType,
                $"Send the image as multipart/form-data with a 'file' field, not '{request.ContentType ?? "no content type"}'.");
        }

        var bodyLimit = maxBytes + MultipartOverheadBytes;
        if (request.ContentLength > bodyLimit)
        {
            throw TooLarge(maxBytes);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = bodyLimit;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes);
        }
        catch (Exception exception) when (exception is InvalidDataException or BadHttpRequestException or IOException)
        {
            throw InferenceException.InvalidInput($"The multipart body could not be read: {exception.Message}");
        }

        var file = form.Files.GetFile("file")
            ?? throw InferenceException.InvalidInput("The form has no 'file' field; upload the image as 'file'.");
        if (file.Length == 0)
        {
            throw InferenceException.InvalidInput("The uploaded file is empty.");
        }
        if (file.Length > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var bytes = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    private static InferenceException TooLarge(long maxBytes) =>
        new(InferenceErrorKind.PayloadTooLarge, $"The image is larger than the {maxBytes / (1024 * 1024.0):0.#} MiB accepted.");
}
