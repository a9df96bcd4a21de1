using System.Text;
using Inference.Engine.Tensors;

namespace Inference.Tests.Engine;

public sealed class TensorDataTypeInfoTests
{
    [Fact]
    public void EveryDatatypeHasItsOwnRowAndOnnxTypesMapBack()
    {
        foreach (var type in Enum.GetValues<TensorDataType>())
        {
            Assert.Equal(type, type.Info().DataType);
            Assert.Equal(type, TensorDataTypes.FromElementType(type.ToElementType()));
        }
    }

    [Theory]
    [InlineData(TensorDataType.UINT8, "0", "255")]
    [InlineData(TensorDataType.INT8, "-128", "127")]
    [InlineData(TensorDataType.INT16, "-32768", "32767")]
    [InlineData(TensorDataType.UINT32, "0", "4294967295")]
    [InlineData(TensorDataType.INT64, "-9223372036854775808", "9223372036854775807")]
    [InlineData(TensorDataType.UINT64, "0", "18446744073709551615")]
    [InlineData(TensorDataType.BOOL, "0", "1")]
    public void IntegersOutsideTheirRangeAreNotWritten(TensorDataType type, string min, string max)
    {
        var info = type.Info();
        var element = new byte[info.ElementSize];
        var text = new byte[32];

        Assert.Equal(Int128.Parse(min), info.MinValue);
        Assert.Equal(Int128.Parse(max), info.MaxValue);
        Assert.False(info.TryWriteInteger(info.MinValue - 1, element));
        Assert.False(info.TryWriteInteger(info.MaxValue + 1, element));
        Assert.True(info.TryWriteInteger(info.MaxValue, element));
        Assert.True(type == TensorDataType.BOOL || info.TryFormat(element, text, out var written) && Encoding.UTF8.GetString(text, 0, written) == max);
    }

    [Fact]
    public void FloatsKeepNegativeZeroNanAndInfinityButRefuseFiniteOverflow()
    {
        var info = TensorDataType.FP32.Info();
        var element = new byte[4];

        Assert.True(info.TryWriteFloat(-0.0, element));
        Assert.Equal(BitConverter.GetBytes(-0f), element);
        Assert.True(info.TryWriteFloat(double.NegativeInfinity, element));
        Assert.Equal(float.NegativeInfinity, BitConverter.ToSingle(element));
        Assert.True(info.TryWriteFloat(double.NaN, element));
        Assert.True(float.IsNaN(BitConverter.ToSingle(element)));
        Assert.False(info.TryWriteFloat(1e39, element));
    }

    [Theory]
    [InlineData(TensorDataType.FP32, new byte[] { 0xcd, 0xcc, 0xcc, 0x3d }, "0.1")]
    [InlineData(TensorDataType.FP32, new byte[] { 0x00, 0x00, 0x80, 0xff }, "-Infinity")]
    [InlineData(TensorDataType.FP16, new byte[] { 0x00, 0x80 }, "-0")]
    [InlineData(TensorDataType.FP16, new byte[] { 0x00, 0x7e }, "NaN")]
    [InlineData(TensorDataType.BF16, new byte[] { 0xc0, 0x3f }, "1.5")]
    [InlineData(TensorDataType.UINT64, new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, "18446744073709551615")]
    [InlineData(TensorDataType.INT16, new byte[] { 0x00, 0x80 }, "-32768")]
    public void ElementsFormatAsShortestInvariantText(TensorDataType type, byte[] element, string expected)
    {
        var text = new byte[64];

        Assert.True(type.Info().TryFormat(element, text, out var written));

        Assert.Equal(expected, Encoding.UTF8.GetString(text, 0, written));
    }
}
