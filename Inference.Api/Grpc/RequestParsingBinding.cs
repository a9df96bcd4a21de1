using Grpc.Core;
using Inference.Api.Grpc.Protocol;

namespace Inference.Api.Grpc;

/// <summary>
/// Binds <see cref="InferenceGrpcService"/> as the generated code does, with one change: a request message that cannot
/// be parsed fails with INVALID_ARGUMENT saying why. grpc-dotnet parses a unary request before any interceptor runs
/// and reports a parse failure as UNKNOWN ("Exception was thrown by handler"), so the request marshaller is the one
/// place that sees every such failure, unary and streaming alike.
/// </summary>
internal static class RequestParsingBinding
{
    /// <summary>Named by <see cref="BindServiceMethodAttribute"/> on the service; grpc-dotnet calls it to discover the methods.</summary>
    public static void BindService(ServiceBinderBase binder, GRPCInferenceService.GRPCInferenceServiceBase service) =>
        GRPCInferenceService.BindService(new ParsingBinder(binder), service);

    private static Method<TRequest, TResponse> WithParseErrors<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var marshaller = method.RequestMarshaller;
        return new Method<TRequest, TResponse>(
            method.Type, method.ServiceName, method.Name,
            Marshallers.Create(marshaller.ContextualSerializer, context => Parse(marshaller, context)),
            method.ResponseMarshaller);
    }

    private static T Parse<T>(Marshaller<T> marshaller, DeserializationContext context)
    {
        try
        {
            return marshaller.ContextualDeserializer(context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Parsing reads bytes only: whatever it throws means the bytes are not a valid message of this type.
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is not a valid {typeof(T).Name} message: {exception.Message}"));
        }
    }

    private sealed class ParsingBinder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(WithParseErrors(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(WithParseErrors(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(WithParseErrors(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(WithParseErrors(method), handler);
    }
}
