using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Polly;

namespace Inference.Dashboard.Services;

/// <summary>
/// Typed client for the inference API. Every failure surfaces as an <see cref="InferenceApiException"/>
/// whose message can be shown to the user as is, so pages need a single catch.
/// </summary>
public sealed partial class InferenceApiClient(HttpClient httpClient, ILogger<InferenceApiClient> logger)
{
    /// <summary>Lists the models the API serves.</summary>
    public async Task<IReadOnlyList<ModelSummary>> GetModelsAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/models");
        return await SendAsync<List<ModelSummary>>(request, cancellationToken);
    }

    /// <summary>Classifies a piece of text; a null <paramref name="version"/> asks for the latest one.</summary>
    public async Task<PredictionResult> PredictTextAsync(
        string text, string model, int? version = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/predict/text")
        {
            Content = JsonContent.Create(new TextPredictionRequest(text, model, version)),
        };
        return await SendAsync<PredictionResult>(request, cancellationToken);
    }

    /// <summary>Classifies an image and returns its <paramref name="top"/> best classes.</summary>
    public async Task<PredictionResult> PredictImageAsync(
        byte[] image, string fileName, string? contentType, string model, int? version = null, int top = 5,
        CancellationToken cancellationToken = default)
    {
        var query = new Dictionary<string, string?>
        {
            ["model"] = model,
            ["top"] = top.ToString(CultureInfo.InvariantCulture),
        };
        if (version is not null)
        {
            // An empty "version=" is not a number; leaving it out means the latest version.
            query["version"] = version.Value.ToString(CultureInfo.InvariantCulture);
        }

        // Bytes rather than a stream so that the resilience handler can send the body again on a retry.
        var imageContent = new ByteArrayContent(image);
        imageContent.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            ? mediaType
            : new MediaTypeHeaderValue("application/octet-stream");

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/predict/image" + QueryString.Create(query))
        {
            Content = new MultipartFormDataContent { { imageContent, "file", fileName } },
        };
        return await SendAsync<PredictionResult>(request, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(request, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                ?? throw new InferenceApiException("The inference API returned an empty answer.", response.StatusCode);
        }
        catch (JsonException exception)
        {
            logger.LogWarning(exception, "Unexpected answer from the inference API for {Path}", request.RequestUri);
            throw new InferenceApiException(
                "The inference API returned an answer the dashboard does not understand.",
                response.StatusCode,
                exception);
        }
    }

    /// <summary>For calls whose answer has no body worth reading (204 No Content).</summary>
    private async Task SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(request, cancellationToken);
    }

    /// <summary>The API's successful answer; anything else as an <see cref="InferenceApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            logger.LogWarning(exception, "Inference API unreachable for {Method} {Path}", request.Method, request.RequestUri);
            throw new InferenceApiException(
                "The inference API can't be reached right now. Check that it is running and try again.",
                innerException: exception);
        }
        catch (Exception exception) when (exception is ExecutionRejectedException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Timeouts and an open circuit breaker from the resilience pipeline.
            logger.LogWarning(exception, "Inference API did not answer {Method} {Path}", request.Method, request.RequestUri);
            throw new InferenceApiException(
                "The inference API did not answer in time. Try again in a moment.",
                innerException: exception);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ToExceptionAsync(response, cancellationToken);
            }
        }
        return response;
    }

    private async Task<InferenceApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var problem = await ReadProblemAsync(response, cancellationToken);
        var validationErrors = problem?.Errors.SelectMany(error => error.Value).ToArray() ?? [];

        var message = problem?.Detail is { Length: > 0 } detail ? detail
            : validationErrors.Length > 0 ? string.Join(" ", validationErrors)
            : problem?.Title is { Length: > 0 } title ? title
            : $"The inference API answered {(int)response.StatusCode} {response.ReasonPhrase}.";

        logger.LogInformation("Inference API rejected {Path} with {StatusCode}: {Message}",
            response.RequestMessage?.RequestUri, (int)response.StatusCode, message);
        return new InferenceApiException(message, response.StatusCode);
    }

    private static async Task<HttpValidationProblemDetails?> ReadProblemAsync(
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Gateways and proxies may answer with HTML or nothing at all; only JSON bodies can be problem details.
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
