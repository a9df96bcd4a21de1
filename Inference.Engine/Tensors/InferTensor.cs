using Inference.Engine.Errors;
namespace Inference.Engine.Tensors;

/// <summary>
/// A named tensor as the Open Inference Protocol carries it: fixed-size types as row-major little-endian bytes
/// (<see cref="Data"/>), <see cref="TensorDataType.BYTES"/> as one byte string per element (<see cref="Strings"/>).
/// Transports (JSON, binary extension, gRPC) convert to and from this; the engine runs it.
/// </summary>
public sealed class InferTensor
{
    private InferTensor(string name, TensorDataType dataType, long[] shape, byte[]? data, byte[][]? strings)
    {
        Name = name;
        DataType = dataType;
        Shape = shape;
        Data = data ?? [];
        Strings = strings;
    }

    public string Name { get; }

    public TensorDataType DataType { get; }

    public long[] Shape { get; }

    /// <summary>Raw little-endian elements; empty for BYTES tensors.</summary>
    public byte[] Data { get; }

    /// <summary>The elements of a BYTES tensor; null otherwise.</summary>
    public byte[][]? Strings { get; }

    public long ElementCount => ElementCountOf(Shape);

    /// <summary>A fixed-size tensor; the data length must match the shape (checked here, so nothing later reads past it).</summary>
    public static InferTensor FromBytes(string name, TensorDataType dataType, long[] shape, byte[] data)
    {
        if (dataType == TensorDataType.BYTES)
        {
            throw new ArgumentException("BYTES tensors are built with FromStrings.", nameof(dataType));
        }
        var expected = ElementCountOf(shape) * dataType.ElementSize();
        if (data.LongLength != expected)
        {
            throw InferenceException.InvalidInput(
                $"Input '{name}' has {data.LongLength} bytes of data; shape [{string.Join(",", shape)}] of {dataType} needs {expected}.");
        }
        return new InferTensor(name, dataType, shape, data, null);
    }

    public static InferTensor FromStrings(string name, long[] shape, byte[][] strings)
    {
        if (strings.LongLength != ElementCountOf(shape))
        {
            throw InferenceException.InvalidInput(
                $"Input '{name}' has {strings.Length} elements; shape [{string.Join(",", shape)}] needs {ElementCountOf(shape)}.");
        }
        return new InferTensor(name, TensorDataType.BYTES, shape, null, strings);
    }

    /// <summary>Most dimensions a tensor may have (ONNX models use far fewer); bounds per-dimension work on any transport.</summary>
    public const int MaxRank = 32;

    /// <summary>The product of the dimensions; refuses too many dimensions, negative ones and counts that cannot be held.</summary>
    public static long ElementCountOf(ReadOnlySpan<long> shape)
    {
        if (shape.Length > MaxRank)
        {
            throw InferenceException.InvalidInput($"A shape has {shape.Length} dimensions; at most {MaxRank} are accepted.");
        }
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw InferenceException.InvalidInput($"Shape [{string.Join(",", shape.ToArray())}] has a negative dimension.");
            }
            try
            {
                count = checked(count * dimension);
            }
            catch (OverflowException)
            {
                throw InferenceException.InvalidInput($"Shape [{string.Join(",", shape.ToArray())}] is too large.");
            }
        }
        return count;
    }
}
