using System.Runtime.InteropServices;
using Google.Protobuf.Collections;
using Google.Protobuf;
using Inference.Api.Grpc.Protocol;
using Inference.Api.OpenInference;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using Inference.Engine.Tensors;

namespace Inference.Api.Grpc;

/// <summary>
/// Protocol messages to and from <see cref="InferTensor"/>: typed <c>contents</c> or <c>raw_input_contents</c> in,
/// <c>raw_output_contents</c> out (as Triton answers; tritonclient's <c>as_numpy</c> reads them).
/// </summary>
internal static class GrpcTensorConversion
{
    private const string ClassificationParameter = "classification";

    /// <summary>The protocol-neutral request: inputs, requested outputs (with Triton's classification parameter), id.</summary>
    public static TensorInferenceRequest ToInferenceRequest(ModelInferRequest request) =>
        new(request.Id, ToInferTensors(request),
            [.. request.Outputs.Select(output => new RequestedOutput(output.Name, BinaryData: null, ClassificationCount(output) ?? 0))],
            BinaryDataOutput: false);

    /// <summary>Triton's classification extension: <c>classification</c> (int64) on a requested output asks for its top k.</summary>
    private static int? ClassificationCount(ModelInferRequest.Types.InferRequestedOutputTensor output)
    {
        if (!output.Parameters.TryGetValue(ClassificationParameter, out var parameter))
        {
            return null;
        }
        return parameter.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.Int64Param && parameter.Int64Param is >= 1 and <= int.MaxValue
            ? (int)parameter.Int64Param
            : throw InferenceException.InvalidInput(
                $"'{ClassificationParameter}' on output '{output.Name}' must be an int64_param of at least 1.");
    }

    public static InferTensor[] ToInferTensors(ModelInferRequest request)
    {
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
        {
            throw InferenceException.InvalidInput(
                $"raw_input_contents has {raw.Count} entries for {request.Inputs.Count} inputs; give one per input, in the order of 'inputs'.");
        }
        var tensors = new InferTensor[request.Inputs.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            var input = request.Inputs[i];
            var dataType = TensorDataTypes.Parse(input.Datatype)
                ?? throw InferenceException.InvalidInput(
                    $"Input '{input.Name}' has datatype '{input.Datatype}'; use one of {string.Join(", ", Enum.GetNames<TensorDataType>())}.");
            long[] shape = [.. input.Shape];
            if (raw.Count > 0)
            {
                if (input.Contents is not null)
                {
                    throw InferenceException.InvalidInput(
                        $"Input '{input.Name}' has typed contents while the request uses raw_input_contents; use one or the other for all inputs.");
                }
                tensors[i] = FromRaw(input.Name, dataType, shape, raw[i].Span);
            }
            else
            {
                tensors[i] = FromContents(input.Name, dataType, shape, input.Contents
                    ?? throw InferenceException.InvalidInput($"Input '{input.Name}' has no data: set its contents or raw_input_contents."));
            }
        }
        return tensors;
    }

    /// <summary>The response: outputs as raw contents, classification outputs as BYTES top-k.</summary>
    public static ModelInferResponse ToResponse(string id, string model, int version, IReadOnlyList<InferTensor> outputs)
    {
        var response = new ModelInferResponse { Id = id, ModelName = model, ModelVersion = version.ToString() };
        foreach (var output in outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.DataType.ToString() };
            tensor.Shape.Add(output.Shape);
            response.Outputs.Add(tensor);
            // The engine never changes an output's bytes after returning them, so they are sent without a copy.
            response.RawOutputContents.Add(output.Strings is { } strings
                ? UnsafeByteOperations.UnsafeWrap(BytesTensorEncoding.Encode(strings))
                : UnsafeByteOperations.UnsafeWrap(output.Data));
        }
        return response;
    }

    private static InferTensor FromRaw(string name, TensorDataType dataType, long[] shape, ReadOnlySpan<byte> data) =>
        dataType == TensorDataType.BYTES
            ? InferTensor.FromStrings(name, shape, BytesTensorEncoding.Decode(data, InferTensor.ElementCountOf(shape), name))
            : InferTensor.FromBytes(name, dataType, shape, data.ToArray());

    private static InferTensor FromContents(string name, TensorDataType dataType, long[] shape, InferTensorContents contents)
    {
        var expected = InferTensor.ElementCountOf(shape);
        var (field, count) = FieldFor(dataType, contents, name);
        if (count != expected)
        {
            var other = OtherFieldWithData(contents, field);
            throw InferenceException.InvalidInput(other is null
                ? $"Input '{name}' has {count} elements in {field}; shape [{string.Join(",", shape)}] needs {expected}."
                : $"Input '{name}' is {dataType}: its data belongs in {field}, not {other}.");
        }
        if (dataType == TensorDataType.BYTES)
        {
            return InferTensor.FromStrings(name, shape, [.. contents.BytesContents.Select(element => element.ToByteArray())]);
        }

        var data = new byte[expected * dataType.ElementSize()];
        try
        {
            CopyElements(dataType, contents, data);
        }
        catch (OverflowException)
        {
            throw InferenceException.InvalidInput($"Input '{name}' has an element outside the range of {dataType}.");
        }
        return InferTensor.FromBytes(name, dataType, shape, data);
    }

    /// <summary>The typed field a datatype's elements travel in, and how many it holds.</summary>
    private static (string Field, long Count) FieldFor(TensorDataType dataType, InferTensorContents contents, string name) => dataType switch
    {
        TensorDataType.BOOL => ("bool_contents", contents.BoolContents.Count),
        TensorDataType.INT8 or TensorDataType.INT16 or TensorDataType.INT32 => ("int_contents", contents.IntContents.Count),
        TensorDataType.INT64 => ("int64_contents", contents.Int64Contents.Count),
        TensorDataType.UINT8 or TensorDataType.UINT16 or TensorDataType.UINT32 => ("uint_contents", contents.UintContents.Count),
        TensorDataType.UINT64 => ("uint64_contents", contents.Uint64Contents.Count),
        TensorDataType.FP32 => ("fp32_contents", contents.Fp32Contents.Count),
        TensorDataType.FP64 => ("fp64_contents", contents.Fp64Contents.Count),
        TensorDataType.BYTES => ("bytes_contents", contents.BytesContents.Count),
        _ => throw InferenceException.InvalidInput(
            $"Input '{name}' is {dataType}, which has no typed contents field; send it in raw_input_contents."),
    };

    private static string? OtherFieldWithData(InferTensorContents contents, string field) =>
        new (string Name, int Count)[]
        {
            ("bool_contents", contents.BoolContents.Count), ("int_contents", contents.IntContents.Count),
            ("int64_contents", contents.Int64Contents.Count), ("uint_contents", contents.UintContents.Count),
            ("uint64_contents", contents.Uint64Contents.Count), ("fp32_contents", contents.Fp32Contents.Count),
            ("fp64_contents", contents.Fp64Contents.Count), ("bytes_contents", contents.BytesContents.Count),
        }.FirstOrDefault(candidate => candidate.Name != field && candidate.Count > 0).Name;

    /// <summary>Writes the typed elements as little-endian bytes; narrowing is checked, so a value that does not fit overflows.</summary>
    private static void CopyElements(TensorDataType dataType, InferTensorContents contents, Span<byte> data)
    {
        switch (dataType)
        {
            case TensorDataType.BOOL:
                Copy(contents.BoolContents, data, value => value ? (byte)1 : (byte)0);
                break;
            case TensorDataType.INT8:
                Copy(contents.IntContents, MemoryMarshal.Cast<byte, sbyte>(data), value => checked((sbyte)value));
                break;
            case TensorDataType.INT16:
                Copy(contents.IntContents, MemoryMarshal.Cast<byte, short>(data), value => checked((short)value));
                break;
            case TensorDataType.INT32:
                Copy(contents.IntContents, MemoryMarshal.Cast<byte, int>(data), value => value);
                break;
            case TensorDataType.INT64:
                Copy(contents.Int64Contents, MemoryMarshal.Cast<byte, long>(data), value => value);
                break;
            case TensorDataType.UINT8:
                Copy(contents.UintContents, data, value => checked((byte)value));
                break;
            case TensorDataType.UINT16:
                Copy(contents.UintContents, MemoryMarshal.Cast<byte, ushort>(data), value => checked((ushort)value));
                break;
            case TensorDataType.UINT32:
                Copy(contents.UintContents, MemoryMarshal.Cast<byte, uint>(data), value => value);
                break;
            case TensorDataType.UINT64:
                Copy(contents.Uint64Contents, MemoryMarshal.Cast<byte, ulong>(data), value => value);
                break;
            case TensorDataType.FP32:
                Copy(contents.Fp32Contents, MemoryMarshal.Cast<byte, float>(data), value => value);
                break;
            case TensorDataType.FP64:
                Copy(contents.Fp64Contents, MemoryMarshal.Cast<byte, double>(data), value => value);
                break;
        }
    }

    private static void Copy<TSource, TTarget>(RepeatedField<TSource> source, Span<TTarget> target, Func<TSource, TTarget> convert)
    {
        for (var i = 0; i < source.Count; i++)
        {
            target[i] = convert(source[i]);
        }
    }
}
