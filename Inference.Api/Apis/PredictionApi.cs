using System.Diagnostics;
using System.Text;
using Inference.Api.Caching;
using Inference.Api.Data;
using Inference.Api.Inference;
using Inference.Api.Models;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Inference.Api.Apis;

/// <summary>What the prediction handlers need, injected as one parameter.</summary>
public sealed record PredictionServices(
    InferenceEngine Engine,
    PredictionCache Cache,
    PredictionLog Log,
    IOptions<InferenceOptions> Options);

/// <summary>Text and image classification over JSON and multipart uploads.</summary>
public static class PredictionApi
{
    private const int InputPreviewLength = 200;
    private const int MultipartOverheadBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapPredictionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/predict").WithTags("Predict").AddEndpointFilter<InferenceErrorFilter>()
            .RequireInferAccess().WithRateLimit(RateLimitPolicies.Predict);

        api.MapPost("/text", PredictText)
            .WithName("PredictText")
            .WithSummary("Classify a text")
            .WithDescription("Runs a text-classification model (default: sentiment). Texts longer than the model's token limit are refused with 400, not truncated.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        api.MapPost("/image", PredictImage)
            .WithName("PredictImage")
            .WithSummary("Classify an uploaded image")
            .WithDescription("multipart/form-data with a 'file' field (JPEG, PNG, WebP, GIF, BMP). Query: model, version, top (default 5).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return app;
    }

    public static async Task<Ok<PredictionResponse>> PredictText(
        TextPredictionRequest? request, [AsParameters] PredictionServices services, CancellationToken cancellationToken)
    {
        if (request?.Text is null)
        {
            throw InferenceException.InvalidInput("The body must be JSON with a 'text' field, e.g. {\"text\": \"I loved it\"}.");
        }

        var model = services.Engine.ResolveTextModel(request.Model, request.Version);
        var hash = PredictionCache.HashInput(Encoding.UTF8.GetBytes(request.Text));
        var (result, cached) = await services.Cache.GetOrPredictAsync(
            model, "text", hash, token => services.Engine.ClassifyTextAsync(model, request.Text, token), cancellationToken);

        services.Log.Add(CreateRecord(result, "predict/text", hash, Preview(request.Text), cached));
        return TypedResults.Ok(PredictionResponse.From(result, cached));
    }

    public static async Task<Ok<PredictionResponse>> PredictImage(
        HttpRequest request,
        [AsParameters] PredictionServices services,
        string? model,
        int? version,
        int? top,
        CancellationToken cancellationToken)
    {
        var modelVersion = services.Engine.ResolveImageModel(model, version);
        var image = await ReadUploadAsync(request, services.Options.Value.MaxImageBytes, cancellationToken);
        var count = top ?? 5;
        var hash = PredictionCache.HashInput(image);
        var (result, cached) = await services.Cache.GetOrPredictAsync(
            modelVersion, $"image-top{count}", hash, token => services.Engine.ClassifyImageAsync(modelVersion, image, count, token), cancellationToken);

        services.Log.Add(CreateRecord(result, "predict/image", hash, null, cached));
        return TypedResults.Ok(PredictionResponse.From(result, cached));
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

    private static string Preview(string text) => text.Length <= InputPreviewLength ? text : text[..InputPreviewLength];

    private static PredictionRecord CreateRecord(ClassificationResult result, string route, string inputHash, string? preview, bool cached) => new()
    {
        CreatedAt = DateTimeOffset.UtcNow,
        Model = result.Model,
        ModelVersion = result.Version,
        Route = route,
        InputHash = inputHash,
        InputPreview = preview,
        Label = result.Label,
        Score = result.Score,
        InferenceTimeMs = result.InferenceTimeMs,
        Cached = cached,
        TraceId = Activity.Current?.TraceId.ToHexString(),
    };
}
