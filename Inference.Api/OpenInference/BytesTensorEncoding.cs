using System.Buffers.Binary;
using Inference.Api.Inference;

namespace Inference.Api.OpenInference;

/// <summary>
/// The protocol's raw layout of a BYTES tensor (binary data extension, gRPC raw contents): each element is a
/// 4-byte little-endian length followed by that many bytes, elements back to back in row-major order.
/// </summary>
public static class BytesTensorEncoding
{
    private const int LengthPrefixBytes = sizeof(uint);

    /// <summary>Splits a raw buffer into its elements; a length that runs past the end is invalid input.</summary>
    public static byte[][] Decode(string tensorName, ReadOnlySpan<byte> buffer)
    {
        var elements = new List<byte[]>();
        while (!buffer.IsEmpty)
        {
            if (buffer.Length < LengthPrefixBytes)
            {
                throw InferenceException.InvalidInput(
                    $"BYTES data of '{tensorName}' ends inside a 4-byte length prefix (element {elements.Count}).");
            }
            var length = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
            buffer = buffer[LengthPrefixBytes..];
            if (length > (uint)buffer.Length)
            {
                throw InferenceException.InvalidInput(
                    $"BYTES element {elements.Count} of '{tensorName}' says {length} bytes but only {buffer.Length} remain.");
            }
            elements.Add(buffer[..(int)length].ToArray());
            buffer = buffer[(int)length..];
        }
        return [.. elements];
    }

    public static byte[] Encode(IReadOnlyList<byte[]> elements)
    {
        var size = 0L;
        foreach (var element in elements)
        {
            size += LengthPrefixBytes + element.Length;
        }
        var buffer = new byte[size];
        var offset = 0;
        foreach (var element in elements)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), (uint)element.Length);
            element.CopyTo(buffer.AsSpan(offset + LengthPrefixBytes));
            offset += LengthPrefixBytes + element.Length;
        }
        return buffer;
    }
}
