namespace Inference.Tests.Protocol;

/// <summary>How a request ended, in words both transports share (HTTP status or gRPC status code).</summary>
public enum ProtocolStatus
{
    Ok,
    InvalidArgument,
    NotFound,
    Unavailable,
    ResourceExhausted,
}

/// <summary>
/// A tensor as the protocol carries it, whatever the transport: datatype, shape and row-major little-endian bytes (a
/// BYTES element is a 4-byte little-endian length and its bytes).
/// </summary>
public sealed record ProtocolTensor(string Name, string Datatype, long[] Shape, byte[] Bytes);

/// <summary>An output the request asks for; <paramref name="Classification"/> &gt; 0 asks for its top k classes.</summary>
public sealed record ProtocolOutput(string Name, int Classification = 0);

/// <summary>What a transport answered: the status, and on success the outputs by name.</summary>
public sealed record ProtocolAnswer(ProtocolStatus Status, string Error, IReadOnlyDictionary<string, ProtocolTensor> Outputs);

/// <summary>
/// One row of the protocol case table: a request, and what every transport must answer to it. A transport that cannot
/// carry the request (FP16 as JSON, bytes that are not UTF-8 as JSON) is named in <see cref="NotOver"/>.
/// </summary>
public sealed record ProtocolCase(
    string Name,
    string Model,
    ProtocolTensor[] Inputs,
    ProtocolStatus Expected,
    ProtocolTensor[]? ExpectedOutputs = null,
    string? ErrorContains = null,
    string? Version = null,
    ProtocolOutput[]? Outputs = null,
    ProtocolTransportKind[]? NotOver = null)
{
    public override string ToString() => Name;
}
