using System.Buffers.Binary;
using System.Text.Json;
using System.Text;
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
    public static InferTensor Read(ref Utf8JsonReader reader, string name, TensorDataType type, long[] shape, int jsonLength)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw InferenceException.InvalidInput($"Input '{name}' has 'data' that is not an array.");
        }
        if (type is TensorDataType.FP16 or TensorDataType.BF16)
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

        var size = type.ElementSize();
        var data = type == TensorDataType.BYTES ? null : new byte[count * size];
        var strings = type == TensorDataType.BYTES ? new byte[count][] : null;
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
                    if (strings is not null)
                    {
                        strings[written] = ReadString(ref reader, name);
                    }
                    else
                    {
                        WriteElement(ref reader, name, type, data.AsSpan((int)(written * size), size));
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

    private static void WriteElement(ref Utf8JsonReader reader, string name, TensorDataType type, Span<byte> destination)
    {
        if (type == TensorDataType.BOOL)
        {
            destination[0] = reader.TokenType switch
            {
                JsonTokenType.True => 1,
                JsonTokenType.False => 0,
                _ => throw OutOfRange(ref reader, name, type, "true or false"),
            };
            return;
        }
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw OutOfRange(ref reader, name, type, "a JSON number");
        }
        bool fits;
        switch (type)
        {
            case TensorDataType.UINT8:
                fits = reader.TryGetByte(out var uint8);
                destination[0] = uint8;
                break;
            case TensorDataType.INT8:
                fits = reader.TryGetSByte(out var int8);
                destination[0] = (byte)int8;
                break;
            case TensorDataType.UINT16:
                fits = reader.TryGetUInt16(out var uint16);
                BinaryPrimitives.WriteUInt16LittleEndian(destination, uint16);
                break;
            case TensorDataType.INT16:
                fits = reader.TryGetInt16(out var int16);
                BinaryPrimitives.WriteInt16LittleEndian(destination, int16);
                break;
            case TensorDataType.UINT32:
                fits = reader.TryGetUInt32(out var uint32);
                BinaryPrimitives.WriteUInt32LittleEndian(destination, uint32);
                break;
            case TensorDataType.INT32:
                fits = reader.TryGetInt32(out var int32);
                BinaryPrimitives.WriteInt32LittleEndian(destination, int32);
                break;
            case TensorDataType.UINT64:
                fits = reader.TryGetUInt64(out var uint64);
                BinaryPrimitives.WriteUInt64LittleEndian(destination, uint64);
                break;
            case TensorDataType.INT64:
                fits = reader.TryGetInt64(out var int64);
                BinaryPrimitives.WriteInt64LittleEndian(destination, int64);
                break;
            case TensorDataType.FP32:
                fits = reader.TryGetSingle(out var single) && float.IsFinite(single);
                BinaryPrimitives.WriteSingleLittleEndian(destination, single);
                break;
            case TensorDataType.FP64:
                fits = reader.TryGetDouble(out var number) && double.IsFinite(number);
                BinaryPrimitives.WriteDoubleLittleEndian(destination, number);
                break;
            default:
                fits = false;
                break;
        }
        if (!fits)
        {
            throw OutOfRange(ref reader, name, type, RangeOf(type));
        }
    }

    private static byte[] ReadString(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw OutOfRange(ref reader, name, TensorDataType.BYTES, "a JSON string");
        }
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.ToArray();
        }
        var unescaped = new byte[reader.ValueSpan.Length];
        return unescaped[..reader.CopyString(unescaped)];
    }

    private static string RangeOf(TensorDataType type) => type switch
    {
        TensorDataType.UINT8 => "an integer from 0 to 255",
        TensorDataType.INT8 => "an integer from -128 to 127",
        TensorDataType.UINT16 => "an integer from 0 to 65535",
        TensorDataType.INT16 => "an integer from -32768 to 32767",
        TensorDataType.UINT32 => "an integer from 0 to 4294967295",
        TensorDataType.INT32 => "an integer from -2147483648 to 2147483647",
        TensorDataType.UINT64 => "an integer from 0 to 18446744073709551615",
        TensorDataType.INT64 => "a 64-bit signed integer",
        _ => "a finite number in range",
    };

    private static InferenceException OutOfRange(ref Utf8JsonReader reader, string name, TensorDataType type, string expected)
    {
        var text = reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : Encoding.UTF8.GetString(reader.ValueSpan);
        return InferenceException.InvalidInput($"Input '{name}' is {type}: each element must be {expected}, not {text}.");
    }

    private static InferenceException Nesting(string name, long[] shape, string problem) =>
        InferenceException.InvalidInput($"Input '{name}' data does not match its shape [{string.Join(",", shape)}]: {problem}.");
}
