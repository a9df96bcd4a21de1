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
        var info = dataType.Info();
        var field = TypedFieldOf(info, contents) ?? throw InferenceException.InvalidInput(
            $"Input '{name}' is {dataType}, which has no typed contents field; send it in raw_input_contents.");
        if (field.Count != expected)
        {
            var other = OtherFieldWithData(contents, field.Name);
            throw InferenceException.InvalidInput(other is null
                ? $"Input '{name}' has {field.Count} elements in {field.Name}; shape [{string.Join(",", shape)}] needs {expected}."
                : $"Input '{name}' is {dataType}: its data belongs in {field.Name}, not {other}.");
        }
        if (field.TryWrite is not { } tryWrite)
        {
            return InferTensor.FromStrings(name, shape, [.. contents.BytesContents.Select(element => element.ToByteArray())]);
        }

        var data = new byte[expected * info.ElementSize];
        for (var i = 0; i < expected; i++)
        {
            if (!tryWrite((int)i, data.AsSpan((int)i * info.ElementSize, info.ElementSize)))
            {
                throw InferenceException.InvalidInput($"Input '{name}' has an element outside the range of {dataType}.");
            }
        }
        return InferTensor.FromBytes(name, dataType, shape, data);
    }

    /// <summary>
    /// A typed contents field: its name, how many elements it holds, and how element i is written into the tensor's
    /// little-endian data (null for bytes_contents, whose elements are taken whole).
    /// </summary>
    private sealed record TypedField(string Name, int Count, Func<int, Span<byte>, bool>? TryWrite);

    /// <summary>
    /// The field a datatype's elements travel in (the protocol's choice: 8-, 16- and 32-bit integers share
    /// int_contents or uint_contents, narrowed with a range check); null for FP16 and BF16, which have none.
    /// </summary>
    private static TypedField? TypedFieldOf(TensorDataTypeInfo info, InferTensorContents contents) => (info.Kind, info.ElementSize) switch
    {
        (TensorElementKind.Boolean, _) =>
            new("bool_contents", contents.BoolContents.Count, (i, element) => info.TryWriteInteger(contents.BoolContents[i] ? 1 : 0, element)),
        (TensorElementKind.SignedInteger, 8) =>
            new("int64_contents", contents.Int64Contents.Count, (i, element) => info.TryWriteInteger(contents.Int64Contents[i], element)),
        (TensorElementKind.SignedInteger, _) =>
            new("int_contents", contents.IntContents.Count, (i, element) => info.TryWriteInteger(contents.IntContents[i], element)),
        (TensorElementKind.UnsignedInteger, 8) =>
            new("uint64_contents", contents.Uint64Contents.Count, (i, element) => info.TryWriteInteger(contents.Uint64Contents[i], element)),
        (TensorElementKind.UnsignedInteger, _) =>
            new("uint_contents", contents.UintContents.Count, (i, element) => info.TryWriteInteger(contents.UintContents[i], element)),
        (TensorElementKind.FloatingPoint, 4) =>
            new("fp32_contents", contents.Fp32Contents.Count, (i, element) => info.TryWriteFloat(contents.Fp32Contents[i], element)),
        (TensorElementKind.FloatingPoint, 8) =>
            new("fp64_contents", contents.Fp64Contents.Count, (i, element) => info.TryWriteFloat(contents.Fp64Contents[i], element)),
        (TensorElementKind.Bytes, _) => new("bytes_contents", contents.BytesContents.Count, null),
        _ => null,
    };

    private static string? OtherFieldWithData(InferTensorContents contents, string field) =>
        new (string Name, int Count)[]
        {
            ("bool_contents", contents.BoolContents.Count), ("int_contents", contents.IntContents.Count),
            ("int64_contents", contents.Int64Contents.Count), ("uint_contents", contents.UintContents.Count),
            ("uint64_contents", contents.Uint64Contents.Count), ("fp32_contents", contents.Fp32Contents.Count),
            ("fp64_contents", contents.Fp64Contents.Count), ("bytes_contents", contents.BytesContents.Count),
        }.FirstOrDefault(candidate => candidate.Name != field && candidate.Count > 0).Name;
}
