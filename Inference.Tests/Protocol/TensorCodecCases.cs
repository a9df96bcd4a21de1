using System.Runtime.InteropServices;

namespace Inference.Tests.Protocol;

/// <summary>
/// Values the tensor codec must carry bit for bit, shared by the REST and gRPC protocol tests so both transports are
/// held to the same cases. Six elements each, for the identity models' [2, 3] inputs.
/// </summary>
public static class TensorCodecCases
{
    /// <summary>BYTES elements that are not UTF-8 (a lone 0xff, a truncated sequence, an encoded surrogate), with a NUL, an empty and a plain one.</summary>
    public static byte[][] NonUtf8Bytes =>
    [
        [0xff, 0xfe, 0x00, 0x41],
        [],
        "plain"u8.ToArray(),
        [0xc3],
        [0xed, 0xa0, 0x80],
        [0x80, 0x00, 0x80],
    ];

    /// <summary>Identity model and datatype of each floating-point type with typed or raw contents.</summary>
    public static TheoryData<string, string> FloatingPointTypes => new() { { "fp16", "FP16" }, { "fp32", "FP32" }, { "fp64", "FP64" } };

    /// <summary>The raw little-endian elements -0, NaN, +∞, -∞, 0 and 1.5 of a floating-point datatype.</summary>
    public static byte[] SpecialFloats(string datatype) => datatype switch
    {
        "FP16" => Raw(Half.NegativeZero, Half.NaN, Half.PositiveInfinity, Half.NegativeInfinity, Half.Zero, (Half)1.5f),
        "FP32" => Raw(-0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, 1.5f),
        "FP64" => Raw(-0d, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0d, 1.5d),
        _ => throw new ArgumentOutOfRangeException(nameof(datatype)),
    };

    /// <summary>How Triton writes <see cref="SpecialFloats"/> as JSON data: bare NaN and infinity tokens, a float keeping its fraction.</summary>
    public const string SpecialFloatsAsJson = "[-0.0,NaN,Infinity,-Infinity,0.0,1.5]";

    private static byte[] Raw<T>(params T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
