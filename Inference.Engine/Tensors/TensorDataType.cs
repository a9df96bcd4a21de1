using System.Collections.Frozen;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Inference.Engine.Tensors;

/// <summary>The Open Inference Protocol's tensor data types (the names it puts on the wire).</summary>
public enum TensorDataType
{
    BOOL,
    UINT8,
    UINT16,
    UINT32,
    UINT64,
    INT8,
    INT16,
    INT32,
    INT64,
    FP16,
    BF16,
    FP32,
    FP64,
    BYTES,
}

/// <summary>Names, element sizes and ONNX Runtime equivalents of <see cref="TensorDataType"/>.</summary>
public static class TensorDataTypes
{
    /// <summary>Parses a protocol datatype name ("FP32"); null when it is not one.</summary>
    public static TensorDataType? Parse(string? name) =>
        name is not null && ByName.TryGetValue(name, out var type) ? type : null;

    // Exact, case-sensitive names only: Enum.TryParse would also take numbers and comma lists.
    private static readonly FrozenDictionary<string, TensorDataType> ByName =
        Enum.GetValues<TensorDataType>().ToFrozenDictionary(type => type.ToString());

    /// <summary>Bytes per element in row-major little-endian data; 0 for <see cref="TensorDataType.BYTES"/> (variable length).</summary>
    public static int ElementSize(this TensorDataType type) => type switch
    {
        TensorDataType.BOOL or TensorDataType.UINT8 or TensorDataType.INT8 => 1,
        TensorDataType.UINT16 or TensorDataType.INT16 or TensorDataType.FP16 or TensorDataType.BF16 => 2,
        TensorDataType.UINT32 or TensorDataType.INT32 or TensorDataType.FP32 => 4,
        TensorDataType.UINT64 or TensorDataType.INT64 or TensorDataType.FP64 => 8,
        _ => 0,
    };

    public static TensorElementType ToElementType(this TensorDataType type) => type switch
    {
        TensorDataType.BOOL => TensorElementType.Bool,
        TensorDataType.UINT8 => TensorElementType.UInt8,
        TensorDataType.UINT16 => TensorElementType.UInt16,
        TensorDataType.UINT32 => TensorElementType.UInt32,
        TensorDataType.UINT64 => TensorElementType.UInt64,
        TensorDataType.INT8 => TensorElementType.Int8,
        TensorDataType.INT16 => TensorElementType.Int16,
        TensorDataType.INT32 => TensorElementType.Int32,
        TensorDataType.INT64 => TensorElementType.Int64,
        TensorDataType.FP16 => TensorElementType.Float16,
        TensorDataType.BF16 => TensorElementType.BFloat16,
        TensorDataType.FP32 => TensorElementType.Float,
        TensorDataType.FP64 => TensorElementType.Double,
        _ => TensorElementType.String,
    };

    /// <summary>The protocol type of an ONNX element type; null for types the protocol cannot carry (e.g. complex numbers).</summary>
    public static TensorDataType? FromElementType(TensorElementType type) => type switch
    {
        TensorElementType.Bool => TensorDataType.BOOL,
        TensorElementType.UInt8 => TensorDataType.UINT8,
        TensorElementType.UInt16 => TensorDataType.UINT16,
        TensorElementType.UInt32 => TensorDataType.UINT32,
        TensorElementType.UInt64 => TensorDataType.UINT64,
        TensorElementType.Int8 => TensorDataType.INT8,
        TensorElementType.Int16 => TensorDataType.INT16,
        TensorElementType.Int32 => TensorDataType.INT32,
        TensorElementType.Int64 => TensorDataType.INT64,
        TensorElementType.Float16 => TensorDataType.FP16,
        TensorElementType.BFloat16 => TensorDataType.BF16,
        TensorElementType.Float => TensorDataType.FP32,
        TensorElementType.Double => TensorDataType.FP64,
        TensorElementType.String => TensorDataType.BYTES,
        _ => null,
    };
}
