using System.Runtime.InteropServices;
using System.Text;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;
using Inference.Engine.Tensors;

namespace Inference.Tests.Engine;

/// <summary>Raw tensors through the engine: validation, every data type, stacking concurrent requests, classification.</summary>
public sealed class TensorInferenceTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static InferTensor Int32s(string name, long[] shape, int[] values) =>
        InferTensor.FromBytes(name, TensorDataType.INT32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static int[] AsInt32s(InferTensor tensor) => MemoryMarshal.Cast<byte, int>(tensor.Data).ToArray();

    [Fact]
    public async Task Simple_model_adds_and_subtracts()
    {
        var model = fixture.Engine.ResolveModel("simple", null);
        var a = Enumerable.Range(0, 16).ToArray();
        var b = Enumerable.Repeat(1, 16).ToArray();

        var outputs = await fixture.Engine.InferTensorsAsync(model,
            [Int32s("INPUT0", [1, 16], a), Int32s("INPUT1", [1, 16], b)], null, InferencePriority.Online, TestContext.Current.CancellationToken);

        Assert.Equal(["OUTPUT0", "OUTPUT1"], outputs.Select(o => o.Name));
        Assert.Equal([1L, 16L], outputs[0].Shape);
        Assert.Equal(a.Select(v => v + 1), AsInt32s(outputs[0]));
        Assert.Equal(a.Select(v => v - 1), AsInt32s(outputs[1]));
    }

    [Fact]
    public async Task Concurrent_requests_are_stacked_and_answered_in_their_own_rows()
    {
        var model = fixture.Engine.ResolveModel("simple", null);
        var executionsBefore = model.Statistics.Snapshot().ExecutionCount;
        var inferencesBefore = model.Statistics.Snapshot().InferenceCount;
        var tasks = Enumerable.Range(0, 40).Select(i => fixture.Engine.InferTensorsAsync(model,
            [Int32s("INPUT0", [2, 16], [.. Enumerable.Repeat(i, 32)]), Int32s("INPUT1", [2, 16], [.. Enumerable.Repeat(1000, 32)])],
            ["OUTPUT0"], InferencePriority.Online, TestContext.Current.CancellationToken)).ToArray();

        var results = await Task.WhenAll(tasks);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Single(results[i]);
            Assert.Equal([2L, 16L], results[i][0].Shape);
            Assert.All(AsInt32s(results[i][0]), value => Assert.Equal(i + 1000, value));
        }
        var executions = model.Statistics.Snapshot().ExecutionCount - executionsBefore;
        Assert.InRange(executions, 1, 39);
        // Inferences count batch elements, as Triton's statistics do: 40 requests of 2 rows.
        Assert.Equal(80, model.Statistics.Snapshot().InferenceCount - inferencesBefore);
    }

    [Theory]
    [InlineData("bool", TensorDataType.BOOL)]
    [InlineData("uint8", TensorDataType.UINT8)]
    [InlineData("uint16", TensorDataType.UINT16)]
    [InlineData("uint32", TensorDataType.UINT32)]
    [InlineData("uint64", TensorDataType.UINT64)]
    [InlineData("int8", TensorDataType.INT8)]
    [InlineData("int16", TensorDataType.INT16)]
    [InlineData("int32", TensorDataType.INT32)]
    [InlineData("int64", TensorDataType.INT64)]
    [InlineData("fp16", TensorDataType.FP16)]
    [InlineData("fp32", TensorDataType.FP32)]
    [InlineData("fp64", TensorDataType.FP64)]
    public async Task Every_fixed_size_type_round_trips(string suffix, TensorDataType type)
    {
        var model = fixture.Engine.ResolveModel($"identity_{suffix}", null);
        var data = Enumerable.Range(0, 6 * type.ElementSize()).Select(i => (byte)(type == TensorDataType.BOOL ? i % 2 : i * 7 % 64)).ToArray();

        var outputs = await fixture.Engine.InferTensorsAsync(model,
            [InferTensor.FromBytes("INPUT0", type, [2, 3], data)], null, InferencePriority.Online, TestContext.Current.CancellationToken);

        Assert.Equal(type, outputs[0].DataType);
        Assert.Equal([2L, 3L], outputs[0].Shape);
        Assert.Equal(data, outputs[0].Data);
    }

    [Fact]
    public async Task Bytes_tensors_carry_strings()
    {
        var model = fixture.Engine.ResolveModel("simple_string", null);
        byte[][] Numbers(int offset) => [.. Enumerable.Range(offset, 16).Select(i => Encoding.UTF8.GetBytes(i.ToString()))];

        var outputs = await fixture.Engine.InferTensorsAsync(model,
            [InferTensor.FromStrings("INPUT0", [1, 16], Numbers(10)), InferTensor.FromStrings("INPUT1", [1, 16], Numbers(0))],
            null, InferencePriority.Online, TestContext.Current.CancellationToken);

        Assert.Equal(TensorDataType.BYTES, outputs[0].DataType);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (2 * i + 10).ToString()), outputs[0].Strings!.Select(Encoding.UTF8.GetString));
        Assert.All(outputs[1].Strings!, s => Assert.Equal("10", Encoding.UTF8.GetString(s)));
    }

    [Theory]
    [InlineData("NOPE", "has no input 'NOPE'")]
    [InlineData("missing", "needs input(s) 'INPUT1'")]
    [InlineData("type", "the model expects INT32")]
    [InlineData("shape", "the model expects [-1,16]")]
    [InlineData("output", "has no output 'OUTPUT9'")]
    public async Task Requests_that_do_not_fit_the_model_are_refused_with_the_reason(string fault, string expected)
    {
        var model = fixture.Engine.ResolveModel("simple", null);
        var good = Int32s("INPUT1", [1, 16], new int[16]);
        InferTensor[] inputs = fault switch
        {
            "NOPE" => [Int32s("INPUT0", [1, 16], new int[16]), good, Int32s("NOPE", [1, 16], new int[16])],
            "missing" => [Int32s("INPUT0", [1, 16], new int[16])],
            "type" => [InferTensor.FromBytes("INPUT0", TensorDataType.FP32, [1, 16], new byte[64]), good],
            "shape" => [Int32s("INPUT0", [2, 8], new int[16]), good],
            _ => [Int32s("INPUT0", [1, 16], new int[16]), good],
        };

        var error = await Assert.ThrowsAsync<InferenceException>(() => fixture.Engine.InferTensorsAsync(
            model, inputs, fault == "output" ? ["OUTPUT9"] : null, InferencePriority.Online, TestContext.Current.CancellationToken));

        Assert.Equal(InferenceErrorKind.InvalidInput, error.Kind);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Data_that_does_not_match_the_shape_is_refused()
    {
        Assert.Throws<InferenceException>(() => InferTensor.FromBytes("x", TensorDataType.FP32, [2, 2], new byte[12]));
        Assert.Throws<InferenceException>(() => InferTensor.FromBytes("x", TensorDataType.FP32, [-1, 2], new byte[8]));
        Assert.Throws<InferenceException>(() => InferTensor.FromStrings("x", [3], [[1], [2]]));
    }

    [Fact]
    public void Classification_returns_score_index_and_label_per_row()
    {
        var scores = new float[] { 0.1f, 0.7f, 0.2f, 0.5f, 0.25f, 0.25f };
        var output = InferTensor.FromBytes("logits", TensorDataType.FP32, [2, 3], MemoryMarshal.AsBytes(scores.AsSpan()).ToArray());

        var top = TensorClassification.TopK(output, 2, ["cat", "dog", "fish"]);

        Assert.Equal([2L, 2L], top.Shape);
        Assert.Equal(["0.700000:1:dog", "0.200000:2:fish", "0.500000:0:cat", "0.250000:1:dog"], top.Strings!.Select(Encoding.UTF8.GetString));
    }
}
