using Google.Protobuf;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;
using static Inference.Tests.Protocol.GrpcTensors;

namespace Inference.Tests.Protocol;

/// <summary>Every protocol datatype round-trips through its identity model, as raw and (where one exists) typed contents.</summary>
[Collection(GrpcModelCollection.Name)]
public sealed class OpenInferenceGrpcDataTypeTests(AppHostFixture fixture) : IDisposable
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly GrpcChannel _channel = Channel(fixture.GrpcEndpoint);

    public void Dispose() => _channel.Dispose();

    /// <summary>Six elements of each type, extremes included: the raw bytes and the typed contents (null: raw only).</summary>
    private static (ByteString Raw, InferTensorContents? Typed) Sample(string datatype) => datatype switch
    {
        "BOOL" => (Raw<byte>(1, 0, 1, 1, 0, 0), new() { BoolContents = { true, false, true, true, false, false } }),
        "INT8" => (Raw<sbyte>(-128, -1, 0, 1, 5, 127), new() { IntContents = { -128, -1, 0, 1, 5, 127 } }),
        "INT16" => (Raw<short>(-32768, -1, 0, 1, 500, 32767), new() { IntContents = { -32768, -1, 0, 1, 500, 32767 } }),
        "INT32" => (Raw(int.MinValue, -1, 0, 1, 70000, int.MaxValue), new() { IntContents = { int.MinValue, -1, 0, 1, 70000, int.MaxValue } }),
        "INT64" => (Raw(long.MinValue, -1, 0, 1, 1L << 40, long.MaxValue), new() { Int64Contents = { long.MinValue, -1, 0, 1, 1L << 40, long.MaxValue } }),
        "UINT8" => (Raw<byte>(0, 1, 2, 128, 200, 255), new() { UintContents = { 0, 1, 2, 128, 200, 255 } }),
        "UINT16" => (Raw<ushort>(0, 1, 2, 300, 40000, 65535), new() { UintContents = { 0, 1, 2, 300, 40000, 65535 } }),
        "UINT32" => (Raw(0u, 1u, 2u, 300u, 70000u, uint.MaxValue), new() { UintContents = { 0u, 1u, 2u, 300u, 70000u, uint.MaxValue } }),
        "UINT64" => (Raw(0ul, 1ul, 2ul, 300ul, 1ul << 40, ulong.MaxValue), new() { Uint64Contents = { 0ul, 1ul, 2ul, 300ul, 1ul << 40, ulong.MaxValue } }),
        "FP16" => (Raw((Half)(-2.5f), (Half)0f, (Half)1f, (Half)0.333f, Half.MaxValue, Half.MinValue), null),
        "FP32" => (Raw(-2.5f, 0f, 1f, 1e-30f, float.MaxValue, float.MinValue), new() { Fp32Contents = { -2.5f, 0f, 1f, 1e-30f, float.MaxValue, float.MinValue } }),
        "FP64" => (Raw(-2.5, 0.0, 1.0, 1e-300, double.MaxValue, double.MinValue), new() { Fp64Contents = { -2.5, 0.0, 1.0, 1e-300, double.MaxValue, double.MinValue } }),
        "BYTES" => (RawStrings("", "a", "héllo", "0", "with space", "x\ny"), new()
        {
            BytesContents = { new[] { "", "a", "héllo", "0", "with space", "x\ny" }.Select(ByteString.CopyFromUtf8) },
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(datatype)),
    };

    [Theory]
    [InlineData("bool", "BOOL")]
    [InlineData("int8", "INT8")]
    [InlineData("int16", "INT16")]
    [InlineData("int32", "INT32")]
    [InlineData("int64", "INT64")]
    [InlineData("uint8", "UINT8")]
    [InlineData("uint16", "UINT16")]
    [InlineData("uint32", "UINT32")]
    [InlineData("uint64", "UINT64")]
    [InlineData("fp16", "FP16")]
    [InlineData("fp32", "FP32")]
    [InlineData("fp64", "FP64")]
    [InlineData("bytes", "BYTES")]
    public async Task EveryDatatypeRoundTripsThroughItsIdentityModel(string suffix, string datatype)
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        var (raw, typed) = Sample(datatype);

        var rawResponse = await client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = $"identity_{suffix}",
            Inputs = { Input("INPUT0", datatype, [2, 3]) },
            RawInputContents = { raw },
        }, cancellationToken: Cancellation);

        var output = Assert.Single(rawResponse.Outputs);
        Assert.Equal($"OUTPUT0:{datatype}:2,3", Describe(output));
        Assert.Equal(raw, rawResponse.RawOutputContents[0]);

        if (typed is not null)
        {
            var typedResponse = await client.ModelInferAsync(new ModelInferRequest
            {
                ModelName = $"identity_{suffix}",
                Inputs = { Input("INPUT0", datatype, [2, 3], typed) },
            }, cancellationToken: Cancellation);
            Assert.Equal(raw, typedResponse.RawOutputContents[0]);
        }
    }

    [Fact]
    public async Task BytesThatAreNotUtf8RoundTripExactlyAsRawAndTypedContents()
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        var raw = ByteString.CopyFrom(OpenInferenceProtocol.LengthPrefixed(TensorCodecCases.NonUtf8Bytes));
        var typed = new InferTensorContents { BytesContents = { TensorCodecCases.NonUtf8Bytes.Select(ByteString.CopyFrom) } };

        var rawResponse = await client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "identity_bytes",
            Inputs = { Input("INPUT0", "BYTES", [2, 3]) },
            RawInputContents = { raw },
        }, cancellationToken: Cancellation);
        var typedResponse = await client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "identity_bytes",
            Inputs = { Input("INPUT0", "BYTES", [2, 3], typed) },
        }, cancellationToken: Cancellation);

        Assert.Equal(raw, rawResponse.RawOutputContents[0]);
        Assert.Equal(raw, typedResponse.RawOutputContents[0]);
    }

    [Theory]
    [MemberData(nameof(TensorCodecCases.FloatingPointTypes), MemberType = typeof(TensorCodecCases))]
    public async Task SignedZeroNanAndInfinityRoundTripBitForBit(string suffix, string datatype)
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        var raw = ByteString.CopyFrom(TensorCodecCases.SpecialFloats(datatype));
        InferTensorContents? typed = datatype switch
        {
            "FP32" => new() { Fp32Contents = { Values<float>(raw) } },
            "FP64" => new() { Fp64Contents = { Values<double>(raw) } },
            _ => null,
        };

        var rawResponse = await client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = $"identity_{suffix}",
            Inputs = { Input("INPUT0", datatype, [2, 3]) },
            RawInputContents = { raw },
        }, cancellationToken: Cancellation);

        Assert.Equal(raw, rawResponse.RawOutputContents[0]);
        if (typed is not null)
        {
            var typedResponse = await client.ModelInferAsync(new ModelInferRequest
            {
                ModelName = $"identity_{suffix}",
                Inputs = { Input("INPUT0", datatype, [2, 3], typed) },
            }, cancellationToken: Cancellation);
            Assert.Equal(raw, typedResponse.RawOutputContents[0]);
        }
    }
}
