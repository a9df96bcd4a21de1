using Inference.Engine.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inference.Api.Apis;

/// <summary>Maps the engine's error vocabulary to ProblemDetails responses: the one place REST routes do it.</summary>
public static class InferenceProblems
{
    public static int StatusCodeFor(InferenceErrorKind kind) => kind switch
    {
        InferenceErrorKind.InvalidInput => StatusCodes.Status400BadRequest,
        InferenceErrorKind.ModelNotFound => StatusCodes.Status404NotFound,
        InferenceErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        InferenceErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        InferenceErrorKind.ModelUnavailable or InferenceErrorKind.Overloaded => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// Retry-After in whole seconds (at least 1) for a 503: when the engine expects room again, else one second.
    /// </summary>
    public static string RetryAfterSeconds(InferenceException exception) =>
        Math.Max(1, (int)Math.Ceiling(exception.RetryAfter?.TotalSeconds ?? 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static ProblemHttpResult ToProblem(InferenceException exception) =>
        TypedResults.Problem(
            detail: exception.Message,
            statusCode: StatusCodeFor(exception.Kind),
            title: TitleFor(exception.Kind));

    private static string TitleFor(InferenceErrorKind kind) => kind switch
    {
        InferenceErrorKind.InvalidInput => "Invalid input",
        InferenceErrorKind.ModelNotFound => "Model not found",
        InferenceErrorKind.UnsupportedMediaType => "Unsupported media type",
        InferenceErrorKind.PayloadTooLarge => "Payload too large",
        InferenceErrorKind.ModelUnavailable => "Model unavailable",
        InferenceErrorKind.Overloaded => "Server overloaded",
        _ => "Inference failed",
    };
}

/// <summary>Turns an <see cref="InferenceException"/> thrown by a handler into its ProblemDetails response.</summary>
public sealed class InferenceErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (InferenceException exception)
        {
            if (exception.Kind is InferenceErrorKind.Overloaded or InferenceErrorKind.ModelUnavailable)
            {
                context.HttpContext.Response.Headers.RetryAfter = InferenceProblems.RetryAfterSeconds(exception);
            }
            return InferenceProblems.ToProblem(exception);
        }
    }
}
