using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Inference.Tests.Protocol;

/// <summary>
/// Tensor bytes as a client lays them out, written for the tests independently of the server's codec: fixed-size types
/// little-endian row-major, BYTES as 4-byte little-endian length + bytes per element, and the JSON <c>data</c> text the
/// protocol uses for them (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> as Triton writes and reads them).
/// </summary>
public static class ProtocolBytes
{
    public static byte[] Of<T>(params T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static byte[] Strings(params byte[][] elements)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var element in elements)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, element.Length);
            buffer.Write(length);
            buffer.Write(element);
        }
        return buffer.ToArray();
    }

    public static byte[] Strings(params string[] elements) => Strings([.. elements.Select(Encoding.UTF8.GetBytes)]);

    public static ProtocolTensor Tensor<T>(string name, string datatype, long[] shape, params T[] values) where T : unmanaged =>
        new(name, datatype, shape, Of(values));

    /// <summary>The elements of a tensor's bytes as JSON values, flat, in the protocol's JSON form.</summary>
    public static string JsonData(ProtocolTensor tensor)
    {
        var values = tensor.Datatype switch
        {
            "BOOL" => tensor.Bytes.Select(b => b != 0 ? "true" : "false"),
            "UINT8" => tensor.Bytes.Select(b => b.ToString(CultureInfo.InvariantCulture)),
            "INT8" => MemoryMarshal.Cast<byte, sbyte>(tensor.Bytes).ToArray().Select(Invariant),
            "UINT16" => MemoryMarshal.Cast<byte, ushort>(tensor.Bytes).ToArray().Select(Invariant),
            "INT16" => MemoryMarshal.Cast<byte, short>(tensor.Bytes).ToArray().Select(Invariant),
            "UINT32" => MemoryMarshal.Cast<byte, uint>(tensor.Bytes).ToArray().Select(Invariant),
            // A datatype the protocol does not have is sent with INT32 values, for the server to refuse by its name.
            "INT32" or "INT33" => MemoryMarshal.Cast<byte, int>(tensor.Bytes).ToArray().Select(Invariant),
            "UINT64" => MemoryMarshal.Cast<byte, ulong>(tensor.Bytes).ToArray().Select(Invariant),
            "INT64" => MemoryMarshal.Cast<byte, long>(tensor.Bytes).ToArray().Select(Invariant),
            "FP32" => MemoryMarshal.Cast<byte, float>(tensor.Bytes).ToArray().Select(value => Number(value)),
            "FP64" => MemoryMarshal.Cast<byte, double>(tensor.Bytes).ToArray().Select(Number),
            "BYTES" => Elements(tensor.Bytes).Select(element => JsonSerializer.Serialize(Encoding.UTF8.GetString(element))),
            _ => throw new ArgumentException($"{tensor.Datatype} has no JSON form."),
        };
        return $"[{string.Join(",", values)}]";
    }

    /// <summary>Reads a JSON <c>data</c> array (flat or nested) back into the tensor's bytes.</summary>
    public static byte[] FromJson(string datatype, JsonElement data)
    {
        var flat = new List<JsonElement>();
        Flatten(data, flat);
        return datatype switch
        {
            "BOOL" => [.. flat.Select(value => (byte)(value.GetBoolean() ? 1 : 0))],
            "UINT8" => [.. flat.Select(value => value.GetByte())],
            "INT8" => Of([.. flat.Select(value => value.GetSByte())]),
            "UINT16" => Of([.. flat.Select(value => value.GetUInt16())]),
            "INT16" => Of([.. flat.Select(value => value.GetInt16())]),
            "UINT32" => Of([.. flat.Select(value => value.GetUInt32())]),
            "INT32" => Of([.. flat.Select(value => value.GetInt32())]),
            "UINT64" => Of([.. flat.Select(value => value.GetUInt64())]),
            "INT64" => Of([.. flat.Select(value => value.GetInt64())]),
            "FP32" => Of([.. flat.Select(value => (float)ReadDouble(value))]),
            "FP64" => Of([.. flat.Select(ReadDouble)]),
            "BYTES" => Strings([.. flat.Select(value => value.GetString()!)]),
            _ => throw new ArgumentException($"{datatype} has no JSON form."),
        };
    }

    /// <summary>
    /// Makes a protocol JSON text parseable by System.Text.Json: the bare tokens <c>NaN</c>, <c>Infinity</c> and
    /// <c>-Infinity</c> outside strings become strings, which <see cref="ReadDouble"/> reads back.
    /// </summary>
    public static string QuoteNonFiniteNumbers(string json)
    {
        var text = new StringBuilder(json.Length);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                text.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                {
                    text.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }
                continue;
            }
            var token = c == 'N' && string.CompareOrdinal(json, i, "NaN", 0, 3) == 0 ? "NaN"
                : c == 'I' && string.CompareOrdinal(json, i, "Infinity", 0, 8) == 0 ? "Infinity"
                : c == '-' && string.CompareOrdinal(json, i, "-Infinity", 0, 9) == 0 ? "-Infinity"
                : null;
            if (token is not null)
            {
                text.Append('"').Append(token).Append('"');
                i += token.Length - 1;
                continue;
            }
            inString = c == '"';
            text.Append(c);
        }
        return text.ToString();
    }

    public static IEnumerable<byte[]> Elements(byte[] bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            yield return bytes[(offset + 4)..(offset + 4 + length)];
            offset += 4 + length;
        }
    }

    private static double ReadDouble(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => throw new FormatException($"'{other}' is not a number."),
        }
        : value.GetDouble();

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : value == 0 && double.IsNegative(value) ? "-0.0"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Invariant<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static void Flatten(JsonElement element, List<JsonElement> into)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Flatten(item, into);
            }
        }
        else
        {
            into.Add(element);
        }
    }
}
