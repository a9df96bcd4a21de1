namespace Inference.Tests.Protocol;

/// <summary>The ways a client can send a request: the ways tritonclient.http and tritonclient.grpc lay them out.</summary>
public enum ProtocolTransportKind
{
    /// <summary>REST, inputs and outputs as JSON <c>data</c>.</summary>
    RestJson,
    /// <summary>REST with the binary tensor data extension for inputs and outputs.</summary>
    RestBinary,
    /// <summary>gRPC <c>ModelInfer</c> with <c>raw_input_contents</c> (tritonclient.grpc's default).</summary>
    GrpcRaw,
}
