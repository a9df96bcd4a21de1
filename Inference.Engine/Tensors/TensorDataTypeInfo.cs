using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Inference.Engine.Tensors;

/// <summary>What the elements of a datatype hold, which decides how each transport reads and writes them.</summary>
public enum TensorElementKind
{
    Boolean,
    SignedInteger,
    UnsignedInteger,
    FloatingPoint,
    Bytes,
}

/// <summary>
/// One row of the datatype table: a protocol datatype's ONNX element type, element size and kind, and how one
/// little-endian element converts to and from numbers and text. Every codec (JSON, binary data, gRPC, ONNX Runtime)
/// reads these rows instead of switching over the datatypes itself.
/// </summary>
public sealed class TensorDataTypeInfo
{
    private delegate double ElementToDouble(ReadOnlySpan<byte> element);

    private delegate bool ElementFormatter(ReadOnlySpan<byte> element, Span<byte> utf8Destination, out int written);

    private delegate void ElementFromDouble(double value, Span<byte> element);

    private readonly ElementToDouble? _toDouble;
    private readonly ElementFormatter? _format;
    private readonly ElementFromDouble? _fromDouble;

    private TensorDataTypeInfo(TensorDataType dataType, TensorElementType onnxType, int elementSize, TensorElementKind kind,
        ElementToDouble? toDouble = null, ElementFormatter? format = null, ElementFromDouble? fromDouble = null, bool jsonInput = true)
    {
        DataType = dataType;
        OnnxType = onnxType;
        ElementSize = elementSize;
        Kind = kind;
        JsonInput = jsonInput;
        _toDouble = toDouble;
        _format = format;
        _fromDouble = fromDouble;
    }

    public TensorDataType DataType { get; }

    public TensorElementType OnnxType { get; }

    /// <summary>Bytes per element; 0 for BYTES, whose elements vary in length.</summary>
    public int ElementSize { get; }

    public TensorElementKind Kind { get; }

    /// <summary>Whether JSON may carry this datatype's input data (as in Triton, FP16 and BF16 travel only as binary data).</summary>
    public bool JsonInput { get; }

    /// <summary>The smallest value of an integer or BOOL element (0).</summary>
    public Int128 MinValue { get; private init; }

    /// <summary>The largest value of an integer or BOOL element (1).</summary>
    public Int128 MaxValue { get; private init; }

    /// <summary>The element as a number (BOOL as 0 or 1).</summary>
    public double ToDouble(ReadOnlySpan<byte> element) =>
        (_toDouble ?? throw NotFor(nameof(ToDouble)))(element);

    /// <summary>The element as invariant text: shortest round-trip form for floating point, NaN, Infinity and -Infinity included.</summary>
    public bool TryFormat(ReadOnlySpan<byte> element, Span<byte> utf8Destination, out int written) =>
        (_format ?? throw NotFor(nameof(TryFormat)))(element, utf8Destination, out written);

    /// <summary>Writes an integer (BOOL: 0 or 1) into the element; false when the datatype cannot hold it.</summary>
    public bool TryWriteInteger(Int128 value, Span<byte> element)
    {
        if (Kind is not (TensorElementKind.Boolean or TensorElementKind.SignedInteger or TensorElementKind.UnsignedInteger))
        {
            throw NotFor(nameof(TryWriteInteger));
        }
        if (value < MinValue || value > MaxValue)
        {
            return false;
        }
        // Little-endian: the low bytes of the 128-bit two's complement value are the element.
        Span<byte> wide = stackalloc byte[16];
        MemoryMarshal.Write(wide, in value);
        wide[..ElementSize].CopyTo(element);
        return true;
    }

    /// <summary>
    /// Writes a number into a floating-point element, rounding to the nearest (NaN, infinities and -0 kept); false when a
    /// finite value is too large for the datatype.
    /// </summary>
    public bool TryWriteFloat(double value, Span<byte> element)
    {
        (_fromDouble ?? throw NotFor(nameof(TryWriteFloat)))(value, element);
        return !double.IsFinite(value) || double.IsFinite(ToDouble(element));
    }

    private InvalidOperationException NotFor(string operation) => new($"{operation} does not apply to {DataType} elements.");

    /// <summary>The table, indexed by <see cref="TensorDataType"/>.</summary>
    internal static readonly TensorDataTypeInfo[] Table =
    [
        new(TensorDataType.BOOL, TensorElementType.Bool, 1, TensorElementKind.Boolean, element => element[0]) { MinValue = 0, MaxValue = 1 },
        Integer<byte>(TensorDataType.UINT8, TensorElementType.UInt8),
        Integer<ushort>(TensorDataType.UINT16, TensorElementType.UInt16),
        Integer<uint>(TensorDataType.UINT32, TensorElementType.UInt32),
        Integer<ulong>(TensorDataType.UINT64, TensorElementType.UInt64),
        Integer<sbyte>(TensorDataType.INT8, TensorElementType.Int8),
        Integer<short>(TensorDataType.INT16, TensorElementType.Int16),
        Integer<int>(TensorDataType.INT32, TensorElementType.Int32),
        Integer<long>(TensorDataType.INT64, TensorElementType.Int64),
        FloatingPoint<Half>(TensorDataType.FP16, TensorElementType.Float16, jsonInput: false),
        // bfloat16 is the upper half of a float32; no .NET type holds it, so it converts through float.
        new(TensorDataType.BF16, TensorElementType.BFloat16, 2, TensorElementKind.FloatingPoint,
            element => BFloat16ToSingle(element),
            (ReadOnlySpan<byte> element, Span<byte> destination, out int written) =>
                BFloat16ToSingle(element).TryFormat(destination, out written, provider: CultureInfo.InvariantCulture),
            jsonInput: false),
        FloatingPoint<float>(TensorDataType.FP32, TensorElementType.Float),
        FloatingPoint<double>(TensorDataType.FP64, TensorElementType.Double),
        new(TensorDataType.BYTES, TensorElementType.String, 0, TensorElementKind.Bytes),
    ];

    private static TensorDataTypeInfo Integer<T>(TensorDataType dataType, TensorElementType onnxType)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
        new(dataType, onnxType, Unsafe.SizeOf<T>(), T.IsNegative(T.MinValue) ? TensorElementKind.SignedInteger : TensorElementKind.UnsignedInteger,
            element => double.CreateTruncating(MemoryMarshal.Read<T>(element)), FormatAs<T>)
        {
            MinValue = Int128.CreateTruncating(T.MinValue),
            MaxValue = Int128.CreateTruncating(T.MaxValue),
        };

    private static TensorDataTypeInfo FloatingPoint<T>(TensorDataType dataType, TensorElementType onnxType, bool jsonInput = true)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        new(dataType, onnxType, Unsafe.SizeOf<T>(), TensorElementKind.FloatingPoint,
            element => double.CreateTruncating(MemoryMarshal.Read<T>(element)), FormatAs<T>,
            (value, element) => MemoryMarshal.Write(element, T.CreateTruncating(value)), jsonInput);

    private static bool FormatAs<T>(ReadOnlySpan<byte> element, Span<byte> destination, out int written) where T : unmanaged, IUtf8SpanFormattable =>
        MemoryMarshal.Read<T>(element).TryFormat(destination, out written, default, CultureInfo.InvariantCulture);

    private static float BFloat16ToSingle(ReadOnlySpan<byte> element) => BitConverter.Int32BitsToSingle(MemoryMarshal.Read<ushort>(element) << 16);
}
