using System.Text;
using static Inference.Tests.Protocol.ProtocolBytes;

namespace Inference.Tests.Protocol;

/// <summary>
/// The Open Inference Protocol case table: each request with what every transport must answer, as Triton answers it.
/// The same rows run over REST (JSON and binary tensor data) and gRPC (<see cref="ProtocolCaseTests"/>).
/// </summary>
public static class ProtocolCases
{
    private static readonly int[] Counting = [.. Enumerable.Range(0, 16)];
    private static readonly int[] Ones = [.. Enumerable.Repeat(1, 16)];

    // Past the web server's default 30,000,000-byte body limit and under the protocol's 64 MiB; and past 64 MiB.
    private static readonly Lazy<ProtocolTensor> FortyMegabytes = new(() => Tensor("INPUT0", "FP32", [1, 10_000_000], new float[10_000_000]));
    private static readonly Lazy<ProtocolTensor> OverTheLimit = new(() => Tensor("INPUT0", "FP32", [1, 17_000_000], new float[17_000_000]));

    private static ProtocolTensor Int32(string name, long[] shape, params int[] values) => Tensor(name, "INT32", shape, values);

    private static ProtocolTensor[] SimpleInputs => [Int32("INPUT0", [1, 16], Counting), Int32("INPUT1", [1, 16], Ones)];

    private static ProtocolTensor[] SimpleOutputs =>
    [
        Int32("OUTPUT0", [1, 16], [.. Counting.Select(value => value + 1)]),
        Int32("OUTPUT1", [1, 16], [.. Counting.Select(value => value - 1)]),
    ];

    /// <summary>An identity model's request and its expected answer: the same tensor back.</summary>
    private static ProtocolCase Identity(string name, string model, ProtocolTensor input, params ProtocolTransportKind[] notOver) =>
        new(name, model, [input], ProtocolStatus.Ok, [input with { Name = "OUTPUT0" }], NotOver: notOver.Length == 0 ? null : notOver);

    private static ProtocolCase Refused(string name, ProtocolStatus status, string? contains, ProtocolTensor[] inputs, string model = "simple",
        string? version = null, ProtocolOutput[]? outputs = null) =>
        new(name, model, inputs, status, ErrorContains: contains, Version: version, Outputs: outputs);

    public static IEnumerable<ProtocolCase> All =>
    [
        new("simple sums and differences", "simple", SimpleInputs, ProtocolStatus.Ok, SimpleOutputs),
        new("an explicit version", "simple", SimpleInputs, ProtocolStatus.Ok, SimpleOutputs, Version: "1"),
        new("a batch of two rows", "simple",
            [Int32("INPUT0", [2, 16], [.. Counting, .. Counting]), Int32("INPUT1", [2, 16], [.. Ones, .. Ones])], ProtocolStatus.Ok,
            [Int32("OUTPUT0", [2, 16], [.. Counting.Select(value => value + 1), .. Counting.Select(value => value + 1)]),
             Int32("OUTPUT1", [2, 16], [.. Counting.Select(value => value - 1), .. Counting.Select(value => value - 1)])]),
        new("only the requested output, in the order asked", "simple", SimpleInputs, ProtocolStatus.Ok, [SimpleOutputs[1]],
            Outputs: [new ProtocolOutput("OUTPUT1")]),

        Identity("FP32 keeps -0.0, NaN and the infinities", "identity_fp32", Tensor("INPUT0", "FP32", [1, 8],
            -0.0f, 0.0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.5f, float.MaxValue, float.Epsilon)),
        Identity("FP64 keeps -0.0, NaN and the infinities", "identity_fp64", Tensor("INPUT0", "FP64", [2, 3],
            -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MinValue, 1e-300)),
        Identity("FP16 keeps -0.0, NaN and the infinities", "identity_fp16", Tensor("INPUT0", "FP16", [1, 5],
            (Half)(-0.0f), Half.NaN, Half.PositiveInfinity, Half.NegativeInfinity, (Half)0.5f), ProtocolTransportKind.RestJson),
        Identity("BYTES keep every byte, UTF-8 or not", "identity_bytes",
            new ProtocolTensor("INPUT0", "BYTES", [1, 4], Strings([0xff, 0xfe, 0x00, 0x41], [], [0xc3, 0x28], Encoding.UTF8.GetBytes("ok"))),
            ProtocolTransportKind.RestJson),
        Identity("BYTES of text: empty, accented, emoji, CJK", "identity_bytes",
            new ProtocolTensor("INPUT0", "BYTES", [2, 2], Strings("", "héllo wörld", "🙂 emoji", "日本語"))),
        Identity("BOOL", "identity_bool", new ProtocolTensor("INPUT0", "BOOL", [1, 3], [1, 0, 1])),
        Identity("UINT64 at its maximum", "identity_uint64", Tensor("INPUT0", "UINT64", [1, 2], ulong.MaxValue, 0UL)),
        Identity("INT8 at its minimum", "identity_int8", Tensor("INPUT0", "INT8", [1, 2], sbyte.MinValue, sbyte.MaxValue)),

        Identity("40 MB of tensor data, under the request-size limit", "identity_fp32", FortyMegabytes.Value, ProtocolTransportKind.RestJson),
        new("68 MB of tensor data, over the request-size limit", "identity_fp32", [OverTheLimit.Value], ProtocolStatus.ResourceExhausted,
            NotOver: [ProtocolTransportKind.RestJson]),

        Refused("an unknown model", ProtocolStatus.NotFound, "does not exist", SimpleInputs, model: "no_such_model"),
        Refused("an unknown version", ProtocolStatus.NotFound, "no version 7", SimpleInputs, version: "7"),
        Refused("a version that is not a number", ProtocolStatus.InvalidArgument, "not a positive integer", SimpleInputs, version: "latest"),
        Refused("version zero", ProtocolStatus.InvalidArgument, "not a positive integer", SimpleInputs, version: "0"),
        Refused("a model that failed to load", ProtocolStatus.Unavailable, null, SimpleInputs, model: "broken"),
        Refused("a datatype the input does not have", ProtocolStatus.InvalidArgument, "expects INT32",
            [Tensor("INPUT0", "FP32", [1, 16], new float[16]), SimpleInputs[1]]),
        Refused("a datatype the protocol does not have", ProtocolStatus.InvalidArgument, "INT33",
            [SimpleInputs[0] with { Datatype = "INT33" }, SimpleInputs[1]]),
        Refused("a missing input", ProtocolStatus.InvalidArgument, "'INPUT0'", [SimpleInputs[1]]),
        Refused("an unknown input", ProtocolStatus.InvalidArgument, "no input 'INPUT9'", [.. SimpleInputs, SimpleInputs[0] with { Name = "INPUT9" }]),
        Refused("an unknown output", ProtocolStatus.InvalidArgument, "no output 'OUTPUT7'", SimpleInputs, outputs: [new ProtocolOutput("OUTPUT7")]),
        Refused("fewer elements than the shape says", ProtocolStatus.InvalidArgument, null,
            [Int32("INPUT0", [1, 16], Counting[..15]), SimpleInputs[1]]),
        Refused("a rank the model does not have", ProtocolStatus.InvalidArgument, null, [Int32("INPUT0", [16], Counting), SimpleInputs[1]]),
        Refused("inputs of different batch sizes", ProtocolStatus.InvalidArgument, null,
            [Int32("INPUT0", [2, 16], [.. Counting, .. Counting]), SimpleInputs[1]]),
    ];
}
