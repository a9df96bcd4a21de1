using System.Buffers.Binary;
using Inference.Engine.Errors;

namespace Inference.Engine.Tensors;

/// <summary>
/// The protocol's raw form of a BYTES tensor (binary data extension, gRPC raw contents): each element as a 4-byte
/// little-endian length followed by that many bytes.
/// </summary>
public static class BytesTensorEncoding
{
    private const int LengthPrefixBytes = 4;

    /// <summary>Splits a raw buffer into exactly <paramref name="elementCount"/> elements; anything missing or left over is an error.</summary>
    public static byte[][] Decode(ReadOnlySpan<byte> raw, long elementCount, string tensorName)
    {
        // Every element takes at least its prefix, so a count the buffer cannot hold is refused before allocating.
        if (elementCount > raw.Length / LengthPrefixBytes)
        {
            throw InferenceException.InvalidInput(
                $"Input '{tensorName}' has {raw.Length} bytes of BYTES data, too few for {elementCount} length-prefixed elements.");
        }
        var elements = new byte[elementCount][];
        var offset = 0;
        for (var i = 0; i < elementCount; i++)
        {
            if (raw.Length - offset < LengthPrefixBytes)
            {
                throw InferenceException.InvalidInput($"Input '{tensorName}' BYTES data ends inside the length of element {i}.");
            }
            var length = BinaryPrimitives.ReadUInt32LittleEndian(raw[offset..]);
            offset += LengthPrefixBytes;
            if (length > (uint)(raw.Length - offset))
            {
                throw InferenceException.InvalidInput(
                    $"Input '{tensorName}' BYTES element {i} claims {length} bytes; only {raw.Length - offset} remain.");
            }
            elements[i] = raw.Slice(offset, (int)length).ToArray();
            offset += (int)length;
        }
        if (offset != raw.Length)
        {
            throw InferenceException.InvalidInput(
                $"Input '{tensorName}' BYTES data has {raw.Length - offset} bytes left over after its {elementCount} elements.");
        }
        return elements;
    }

    /// <summary>Bytes that <see cref="Encode"/> writes for these elements.</summary>
    public static long EncodedLength(IReadOnlyList<byte[]> elements)
    {
        long length = 0;
        foreach (var element in elements)
        {
            length += LengthPrefixBytes + element.Length;
        }
        return length;
    }

    /// <summary>Writes the elements into <paramref name="destination"/> (at least <see cref="EncodedLength"/> bytes); returns the bytes written.</summary>
    public static int Encode(IReadOnlyList<byte[]> elements, Span<byte> destination)
    {
        var offset = 0;
        foreach (var element in elements)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], (uint)element.Length);
            offset += LengthPrefixBytes;
            element.CopyTo(destination[offset..]);
            offset += element.Length;
        }
        return offset;
    }

    /// <summary>The elements encoded into a new buffer of exactly their length.</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> elements)
    {
        var buffer = new byte[EncodedLength(elements)];
        Encode(elements, buffer);
        return buffer;
    }
}
