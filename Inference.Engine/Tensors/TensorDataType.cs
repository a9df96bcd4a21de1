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

/// <summary>Names, element sizes and ONNX Runtime equivalents of <see cref="TensorDataType"/>, read from <see cref="TensorDataTypeInfo"/>'s table.</summary>
public static class TensorDataTypes
{
    /// <summary>Parses a protocol datatype name ("FP32"); null when it is not one.</summary>
    public static TensorDataType? Parse(string? name) =>
        name is not null && ByName.TryGetValue(name, out var type) ? type : null;

    // Exact, case-sensitive names only: Enum.TryParse would also take numbers and comma lists.
    private static readonly FrozenDictionary<string, TensorDataType> ByName =
        Enum.GetValues<TensorDataType>().ToFrozenDictionary(type => type.ToString());

    private static readonly FrozenDictionary<TensorElementType, TensorDataType> ByElementType =
        TensorDataTypeInfo.Table.ToFrozenDictionary(row => row.OnnxType, row => row.DataType);

    /// <summary>The datatype's row in the table.</summary>
    public static TensorDataTypeInfo Info(this TensorDataType type) => TensorDataTypeInfo.Table[(int)type];

    /// <summary>Bytes per element in row-major little-endian data; 0 for <see cref="TensorDataType.BYTES"/> (variable length).</summary>
    public static int ElementSize(this TensorDataType type) => type.Info().ElementSize;

    public static TensorElementType ToElementType(this TensorDataType type) => type.Info().OnnxType;

    /// <summary>The protocol type of an ONNX element type; null for types the protocol cannot carry (e.g. complex numbers).</summary>
    public static TensorDataType? FromElementType(TensorElementType type) =>
        ByElementType.TryGetValue(type, out var dataType) ? dataType : null;
}
