using System.Net;
using System.Text.Json;
using Polly;

namespace Inference.Dashboard.Services;

/// <summary>
/// Typed client for the inference API. Every failure surfaces as an <see cref="InferenceApiException"/>
/// whose message can be shown to the user as is, so pages need a single catch. The calls of each area live in
/// a partial file of their own (<c>InferenceApiClient.Models.cs</c>, <c>.Jobs.cs</c>, ...).
/// </summary>
public sealed partial class InferenceApiClient(HttpClient httpClient, ILogger<InferenceApiClient> logger)
{
    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>Sends a request whose answer has no body worth reading (204, or a 200 the page does not need).</summary>
    private async Task SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>Like <see cref="SendAsync{T}"/>, but a 404 is an answer (null), not an error.</summary>
    private async Task<T?> SendOrNotFoundAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await SendAsync<T>(request, cancellationToken);
        }
        catch (InferenceApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends a request and hands back the successful response with its body still unread, for downloads that stream
    /// through the dashboard; the caller disposes it.
    /// </summary>
    private Task<HttpResponseMessage> OpenAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendCheckedAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    private async Task<HttpResponseMessage> SendCheckedAsync(
        HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, completion, cancellationToken);
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

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                ?? throw new InferenceApiException("The inference API returned an empty answer.", response.StatusCode);
        }
        catch (JsonException exception)
        {
            logger.LogWarning(exception, "Unexpected answer from the inference API for {Path}", response.RequestMessage?.RequestUri);
            throw new InferenceApiException(
                "The inference API returned an answer the dashboard does not understand.",
                response.StatusCode,
                exception);
        }
    }

    private async Task<InferenceApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var message = await ReadErrorMessageAsync(response, cancellationToken)
            ?? $"The inference API answered {(int)response.StatusCode} {response.ReasonPhrase}.";

        logger.LogInformation("Inference API rejected {Path} with {StatusCode}: {Message}",
            response.RequestMessage?.RequestUri, (int)response.StatusCode, message);
        return new InferenceApiException(message, response.StatusCode);
    }

    /// <summary>The sentence of a ProblemDetails body (detail, validation errors, title) or of a /v2 <c>{"error"}</c> body.</summary>
    private static async Task<string?> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Gateways and proxies may answer with HTML or nothing at all; only JSON bodies can carry a message.
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var body = await response.Content.ReadFromJsonAsync<ErrorBody>(cancellationToken);
            var validationErrors = body?.Errors?.SelectMany(error => error.Value).ToArray() ?? [];
            return body?.Detail is { Length: > 0 } detail ? detail
                : validationErrors.Length > 0 ? string.Join(" ", validationErrors)
                : body?.Title is { Length: > 0 } title ? title
                : body?.Error is { Length: > 0 } error ? error
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What error bodies may hold: ProblemDetails fields, or the Open Inference Protocol's one <c>error</c>.</summary>
    private sealed record ErrorBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors, string? Error);
}
