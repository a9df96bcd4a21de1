using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Protocol;

/// <summary>
/// Builds protocol requests and reads responses the way tritonclient does, independently of the server's code:
/// raw contents are little-endian row-major bytes, a BYTES element is a 4-byte little-endian length and its bytes.
/// </summary>
internal static class GrpcTensors
{
    public static GrpcChannel Channel(Uri address, string? apiKey = null) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 128 * 1024 * 1024,
            MaxSendMessageSize = null,
            // The key travels as request metadata (an HTTP/2 header), as any gRPC client would send it.
            HttpHandler = apiKey is null ? null : new ApiKeyHeaderHandler(apiKey) { InnerHandler = new SocketsHttpHandler() },
        });

    private sealed class ApiKeyHeaderHandler(string key) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-API-Key", key);
            return base.SendAsync(request, cancellationToken);
        }
    }

    public static ModelInferRequest.Types.InferInputTensor Input(string name, string datatype, long[] shape, InferTensorContents? contents = null) =>
        new() { Name = name, Datatype = datatype, Shape = { shape }, Contents = contents };

    public static ByteString Raw<T>(params T[] values) where T : unmanaged =>
        ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));

    public static T[] Values<T>(ByteString raw) where T : unmanaged => MemoryMarshal.Cast<byte, T>(raw.Span).ToArray();

    public static ByteString RawStrings(params string[] values)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var value in values)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }
        return ByteString.CopyFrom(buffer.ToArray());
    }

    public static string[] Strings(ByteString raw)
    {
        var values = new List<string>();
        var span = raw.Span;
        while (!span.IsEmpty)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(span);
            values.Add(Encoding.UTF8.GetString(span.Slice(4, length)));
            span = span[(4 + length)..];
        }
        return [.. values];
    }

    /// <summary>"name:DATATYPE:d0,d1" of an output, for comparing as one value.</summary>
    public static string Describe(ModelInferResponse.Types.InferOutputTensor tensor) =>
        $"{tensor.Name}:{tensor.Datatype}:{string.Join(",", tensor.Shape)}";

    public static string Describe(ModelMetadataResponse.Types.TensorMetadata tensor) =>
        $"{tensor.Name}:{tensor.Datatype}:{string.Join(",", tensor.Shape)}";

    /// <summary>The raw contents of the named output.</summary>
    public static ByteString Output(ModelInferResponse response, string name)
    {
        var index = response.Outputs.Select(output => output.Name).ToList().IndexOf(name);
        Assert.True(index >= 0, $"The response has no output '{name}'.");
        return response.RawOutputContents[index];
    }
}
