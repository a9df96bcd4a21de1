using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Inference.Engine.Errors;
using Inference.Engine.Tensors;

namespace Inference.Api.Apis;

/// <summary>
/// The JSON <c>data</c> of one input, flat or nested row-major, read element by element into the tensor's
/// little-endian buffer. Nesting must agree with the shape; every value must fit the datatype (300 is no UINT8).
/// </summary>
public static class JsonTensorData
{
    /// <param name="reader">Positioned on the data's opening bracket; left on its closing bracket.</param>
    /// <param name="jsonLength">Length of the whole JSON header: no shape may claim more elements than it could hold.</param>
    /// <param name="literals">The NaN and infinity literals of the JSON the reader reads.</param>
    /// <param name="readerStart">Where in that JSON the reader's span starts.</param>
    public static InferTensor Read(ref Utf8JsonReader reader, string name, TensorDataType type, long[] shape, int jsonLength,
        JsonNonFiniteLiterals literals, long readerStart = 0)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw InferenceException.InvalidInput($"Input '{name}' has 'data' that is not an array.");
        }
        var info = type.Info();
        if (!info.JsonInput)
        {
            throw InferenceException.InvalidInput(
                $"Input '{name}' is {type}: {type} data can only be sent as binary data (parameters.binary_data_size), not as JSON.");
        }
        var count = InferTensor.ElementCountOf(shape);
        // Each element takes at least two bytes of JSON (a digit or "" and a separator): a shape claiming more is refused
        // before its buffer is allocated, so a small body cannot ask for a large allocation.
        if (count > (jsonLength + 1L) / 2)
        {
            throw InferenceException.InvalidInput(
                $"Input '{name}' has shape [{string.Join(",", shape)}] ({count} elements); the request is too short to hold that many.");
        }

        var size = info.ElementSize;
        var data = info.Kind == TensorElementKind.Bytes ? null : new byte[count * size];
        var strings = info.Kind == TensorElementKind.Bytes ? new byte[count][] : null;
        // children[d]: elements seen so far in the array open at depth d (1 = the data array itself).
        Span<long> children = stackalloc long[Math.Max(shape.Length, 1) + 1];
        children.Clear();
        var depth = 1;
        var leafDepth = -1;
        long written = 0;
        while (depth > 0 && reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    children[depth]++;
                    if (++depth >= children.Length)
                    {
                        throw Nesting(name, shape, "nested deeper than its shape");
                    }
                    children[depth] = 0;
                    break;
                case JsonTokenType.EndArray:
                    // Nested data: each array at depth d holds exactly shape[d - 1] elements.
                    if (leafDepth == shape.Length && shape.Length > 0 && children[depth] != shape[depth - 1])
                    {
                        throw Nesting(name, shape, $"an array at depth {depth} has {children[depth]} elements, not {shape[depth - 1]}");
                    }
                    depth--;
                    break;
                default:
                    if (leafDepth == -1)
                    {
                        leafDepth = depth;
                        if (leafDepth != 1 && leafDepth != shape.Length)
                        {
                            throw Nesting(name, shape, $"values are nested {leafDepth} deep; use a flat array or {shape.Length} levels");
                        }
                    }
                    else if (depth != leafDepth)
                    {
                        throw Nesting(name, shape, "values are nested at different depths");
                    }
                    if (written >= count)
                    {
                        throw InferenceException.InvalidInput(
                            $"Input '{name}' has more elements than its shape [{string.Join(",", shape)}] holds ({count}).");
                    }
                    children[depth]++;
                    var literal = NonFiniteLiteralAt(ref reader, literals, readerStart);
                    var fits = strings is not null
                        ? TryReadString(ref reader, out strings[written])
                        : TryWriteElement(ref reader, info, literal, data.AsSpan((int)(written * size), size));
                    if (!fits)
                    {
                        var text = literal?.ToString(CultureInfo.InvariantCulture)
                            ?? (reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : Encoding.UTF8.GetString(reader.ValueSpan));
                        throw InferenceException.InvalidInput($"Input '{name}' is {type}: each element must be {Expected(info)}, not {text}.");
                    }
                    written++;
                    break;
            }
        }
        if (written != count)
        {
            throw InferenceException.InvalidInput(
                $"Input '{name}' has {written} elements; shape [{string.Join(",", shape)}] needs {count}.");
        }
        return strings is not null ? InferTensor.FromStrings(name, shape, strings) : InferTensor.FromBytes(name, type, shape, data!);
    }

    /// <summary>The NaN or infinity a <c>null</c> token stands for, when it replaced one.</summary>
    private static double? NonFiniteLiteralAt(ref Utf8JsonReader reader, JsonNonFiniteLiterals literals, long readerStart) =>
        reader.TokenType == JsonTokenType.Null && literals.TryGetValue(readerStart + reader.TokenStartIndex, out var value) ? value : null;

    private static bool TryWriteElement(ref Utf8JsonReader reader, TensorDataTypeInfo info, double? literal, Span<byte> destination)
    {
        var number = reader.TokenType == JsonTokenType.Number;
        return info.Kind switch
        {
            TensorElementKind.Boolean => reader.TokenType is JsonTokenType.True or JsonTokenType.False
                && info.TryWriteInteger(reader.TokenType == JsonTokenType.True ? 1 : 0, destination),
            TensorElementKind.SignedInteger => number && reader.TryGetInt64(out var signed) && info.TryWriteInteger(signed, destination),
            TensorElementKind.UnsignedInteger => number && reader.TryGetUInt64(out var unsigned) && info.TryWriteInteger(unsigned, destination),
            // As Triton does: read as a double, then rounded to the element's precision.
            TensorElementKind.FloatingPoint => literal is { } nonFinite
                ? info.TryWriteFloat(nonFinite, destination)
                : number && reader.TryGetDouble(out var value) && double.IsFinite(value) && info.TryWriteFloat(value, destination),
            _ => false,
        };
    }

    private static bool TryReadString(ref Utf8JsonReader reader, out byte[] element)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            element = [];
            return false;
        }
        if (!reader.ValueIsEscaped)
        {
            element = reader.ValueSpan.ToArray();
            return true;
        }
        var unescaped = new byte[reader.ValueSpan.Length];
        element = unescaped[..reader.CopyString(unescaped)];
        return true;
    }

    private static string Expected(TensorDataTypeInfo info) => info.Kind switch
    {
        TensorElementKind.Boolean => "true or false",
        TensorElementKind.FloatingPoint => "a number within its range, NaN, Infinity or -Infinity",
        TensorElementKind.Bytes => "a JSON string",
        _ => $"an integer from {info.MinValue} to {info.MaxValue}",
    };

    private static InferenceException Nesting(string name, long[] shape, string problem) =>
        InferenceException.InvalidInput($"Input '{name}' data does not match its shape [{string.Join(",", shape)}]: {problem}.");
}
