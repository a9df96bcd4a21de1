using Grpc.Core.Interceptors;
using Grpc.Core;
using Inference.Api.Apis;
using Inference.Engine.Errors;

namespace Inference.Api.Grpc;

/// <summary>
/// Maps the engine's error vocabulary to gRPC status codes: the one place the gRPC transport does it. An UNAVAILABLE
/// answer carries a <c>retry-after</c> trailer in seconds, as the HTTP routes' Retry-After header.
/// </summary>
internal sealed class InferenceErrorInterceptor : Interceptor
{
    /// <summary>Seconds after which an UNAVAILABLE call may be retried.</summary>
    public const string RetryAfterTrailer = "retry-after";

    public static StatusCode StatusCodeFor(InferenceErrorKind kind) => kind switch
    {
        InferenceErrorKind.InvalidInput or InferenceErrorKind.UnsupportedMediaType => StatusCode.InvalidArgument,
        InferenceErrorKind.ModelNotFound => StatusCode.NotFound,
        InferenceErrorKind.ModelUnavailable or InferenceErrorKind.Overloaded => StatusCode.Unavailable,
        InferenceErrorKind.PayloadTooLarge => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (InferenceException exception)
        {
            var status = StatusCodeFor(exception.Kind);
            var trailers = new Metadata();
            if (status == StatusCode.Unavailable)
            {
                trailers.Add(RetryAfterTrailer, InferenceProblems.RetryAfterSeconds(exception));
            }
            throw new RpcException(new Status(status, exception.Message), trailers);
        }
    }
}
