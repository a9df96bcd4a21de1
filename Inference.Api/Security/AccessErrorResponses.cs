using Microsoft.AspNetCore.Mvc;

namespace Inference.Api.Security;

/// <summary>
/// The body of 401, 403 and 429 answers, which come from middleware rather than handlers: ProblemDetails, except under
/// <c>/v2</c>, where the Open Inference Protocol's <c>{"error": "..."}</c> is expected. The one place that choice is made.
/// </summary>
public static class AccessErrorResponses
{
    private const string ProtocolPathPrefix = "/v2";

    public static bool IsProtocolRequest(HttpContext context) =>
        context.Request.Path.StartsWithSegments(ProtocolPathPrefix, StringComparison.OrdinalIgnoreCase);

    public static async Task WriteAsync(HttpContext context, int statusCode, string title, string detail)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }
        response.StatusCode = statusCode;
        if (IsProtocolRequest(context))
        {
            await response.WriteAsJsonAsync(new ProtocolError(detail), context.RequestAborted);
            return;
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        // TryWrite: a client that accepts no JSON still gets the status code, never a 500.
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = statusCode, Title = title, Detail = detail },
        });
    }

    /// <summary>The Open Inference Protocol's error body.</summary>
    private sealed record ProtocolError(string Error);
}
