using System.Net;

namespace Inference.Dashboard.Services;

/// <summary>
/// A call to the inference API that did not produce a result. <see cref="Exception.Message"/> is meant
/// for the user: the API's ProblemDetails text, or a plain sentence when the API could not be reached.
/// </summary>
public sealed class InferenceApiException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The API's status code; null when no answer arrived.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
