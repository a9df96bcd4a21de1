using Inference.Engine.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inference.Api.Apis;

/// <summary>The protocol's error body: <c>{"error": "..."}</c>.</summary>
public sealed record OpenInferenceError(string Error);

/// <summary>
/// The one place the Open Inference Protocol's REST routes map errors: engine errors, request-binding failures and
/// anything unexpected all become <c>{"error": "..."}</c> with the protocol's status code, never ProblemDetails.
/// </summary>
public static class OpenInferenceErrors
{
    /// <summary>Requests under <c>/v2</c> answer errors in the protocol's form.</summary>
    public static bool IsProtocolRequest(HttpContext httpContext) => httpContext.Request.Path.StartsWithSegments("/v2");

    /// <summary>The same status codes as the rest of the API; only the body differs.</summary>
    public static int StatusCodeFor(InferenceErrorKind kind) => InferenceProblems.StatusCodeFor(kind);

    public static JsonHttpResult<OpenInferenceError> ToResult(InferenceException exception, HttpContext httpContext)
    {
        var status = StatusCodeFor(exception.Kind);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = InferenceProblems.RetryAfterSeconds(exception);
        }
        return Error(status, exception.Message);
    }

    public static JsonHttpResult<OpenInferenceError> Error(int status, string message) =>
        TypedResults.Json(new OpenInferenceError(message), statusCode: status);

    /// <summary>An error for an exception thrown outside the handlers (request binding) or not foreseen.</summary>
    public static JsonHttpResult<OpenInferenceError> FromException(Exception exception, HttpContext httpContext) => exception switch
    {
        InferenceException inference => ToResult(inference, httpContext),
        BadHttpRequestException badRequest => Error(badRequest.StatusCode,
            badRequest.InnerException is { } inner ? $"{badRequest.Message} {inner.Message}" : badRequest.Message),
        _ => Error(StatusCodes.Status500InternalServerError, "The server failed to process the request."),
    };

    /// <summary>Keeps status-code pages from replacing the protocol's (sometimes empty) error bodies.</summary>
    public static void KeepBodyAsWritten(HttpContext httpContext)
    {
        if (httpContext.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }
    }
}

/// <summary>Turns the engine's errors thrown by a <c>/v2</c> handler into the protocol's error response.</summary>
public sealed class OpenInferenceErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        OpenInferenceErrors.KeepBodyAsWritten(context.HttpContext);
        try
        {
            return await next(context);
        }
        catch (Exception exception) when (exception is InferenceException or BadHttpRequestException)
        {
            return OpenInferenceErrors.FromException(exception, context.HttpContext);
        }
    }
}

/// <summary>Errors raised before a <c>/v2</c> handler runs (request binding) or not foreseen, in the protocol's form.</summary>
public sealed class OpenInferenceExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!OpenInferenceErrors.IsProtocolRequest(httpContext))
        {
            return false;
        }
        OpenInferenceErrors.KeepBodyAsWritten(httpContext);
        await OpenInferenceErrors.FromException(exception, httpContext).ExecuteAsync(httpContext);
        return true;
    }
}
