using Grpc.Core.Interceptors;
using Grpc.Core;
using Inference.Engine.Errors;

namespace Inference.Api.Grpc;

/// <summary>Maps the engine's error vocabulary to gRPC status codes: the one place the gRPC transport does it.</summary>
internal sealed class InferenceErrorInterceptor : Interceptor
{
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
            throw new RpcException(new Status(StatusCodeFor(exception.Kind), exception.Message));
        }
    }
}
