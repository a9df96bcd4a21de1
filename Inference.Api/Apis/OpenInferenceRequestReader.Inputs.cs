using System.Text.Json;
using Inference.Api.OpenInference;
using Inference.Engine.Errors;
using Inference.Engine.Tensors;

namespace Inference.Api.Apis;

/// <summary>The request's inputs: their JSON objects, then their data from JSON or from the binary parts.</summary>
public static partial class OpenInferenceRequestReader
{
    /// <summary>An input as its JSON object describes it, before its data is attached.</summary>
    private sealed class InputHeader
    {
        public string? Name;
        public TensorDataType? DataType;
        public long[]? Shape;
        public long? BinaryDataSize;
        public long? DataStart;
        public InferTensor? Tensor;
    }

    private static InputHeader ReadInput(ref Utf8JsonReader reader, int jsonLength, JsonNonFiniteLiterals literals)
    {
        var input = new InputHeader();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                input.Name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw InferenceException.InvalidInput("An input's 'name' must be a string.");
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                var name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                input.DataType = TensorDataTypes.Parse(name) ?? throw InferenceException.InvalidInput(
                    $"Input '{input.Name}' has datatype '{name}'; it must be one of {string.Join(", ", Enum.GetNames<TensorDataType>())}.");
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                input.Shape = ReadShape(ref reader, input.Name);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                ReadInputParameters(ref reader, input);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (input is { Name: not null, DataType: { } type, Shape: { } shape })
                {
                    input.Tensor = JsonTensorData.Read(ref reader, input.Name, type, shape, jsonLength, literals);
                }
                else
                {
                    // Name, datatype or shape come after the data: read it once they are known.
                    input.DataStart = reader.TokenStartIndex;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (input.Name is null || input.DataType is null || input.Shape is null)
        {
            throw InferenceException.InvalidInput($"Input '{input.Name ?? "(no name)"}' needs 'name', 'datatype' and 'shape'.");
        }
        return input;
    }

    private static long[] ReadShape(ref Utf8JsonReader reader, string? inputName)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw InferenceException.InvalidInput($"Input '{inputName}' has a 'shape' that is not an array of integers.");
        }
        var shape = new List<long>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dimension))
            {
                throw InferenceException.InvalidInput($"Input '{inputName}' has a 'shape' that is not an array of integers.");
            }
            if (dimension < 0)
            {
                throw InferenceException.InvalidInput($"Input '{inputName}' has a negative dimension ({dimension}) in its shape.");
            }
            shape.Add(dimension);
        }
        return [.. shape];
    }

    private static void ReadInputParameters(ref Utf8JsonReader reader, InputHeader input)
    {
        ExpectObject(ref reader, $"Input '{input.Name}' parameters");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("binary_data_size"u8))
            {
                reader.Read();
                input.BinaryDataSize = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var size) && size >= 0
                    ? size
                    : throw InferenceException.InvalidInput($"Input '{input.Name}' has a binary_data_size that is not a non-negative integer.");
            }
            else if (reader.ValueTextEquals("shared_memory_region"u8))
            {
                throw InferenceException.InvalidInput("The shared memory extension is not supported; send the data in the request.");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>Gives each input its tensor: JSON data read later, or its part of the binary data, in input order.</summary>
    private static InferTensor[] AttachData(
        List<InputHeader> inputs, ReadOnlySpan<byte> json, JsonNonFiniteLiterals literals, ReadOnlySpan<byte> binary)
    {
        var tensors = new InferTensor[inputs.Count];
        long offset = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var (name, type, shape) = (input.Name!, input.DataType!.Value, input.Shape!);
            var hasJsonData = input.Tensor is not null || input.DataStart is not null;
            if (input.BinaryDataSize is { } size)
            {
                if (hasJsonData)
                {
                    throw InferenceException.InvalidInput($"Input '{name}' has both 'data' and binary_data_size; send one.");
                }
                if (size > binary.Length - offset)
                {
                    throw InferenceException.InvalidInput(
                        $"Input '{name}' has binary_data_size {size}, but only {binary.Length - offset} bytes of binary data remain"
                        + " after the JSON header (is Inference-Header-Content-Length set to the JSON's length?).");
                }
                var part = binary.Slice((int)offset, (int)size);
                offset += size;
                tensors[i] = type == TensorDataType.BYTES
                    ? InferTensor.FromStrings(name, shape, BytesTensorEncoding.Decode(part, InferTensor.ElementCountOf(shape), name))
                    : InferTensor.FromBytes(name, type, shape, part.ToArray());
            }
            else if (input.Tensor is { } tensor)
            {
                tensors[i] = tensor;
            }
            else if (input.DataStart is { } start)
            {
                var reader = new Utf8JsonReader(json[(int)start..], ReaderOptions);
                reader.Read();
                tensors[i] = JsonTensorData.Read(ref reader, name, type, shape, json.Length, literals, start);
            }
            else
            {
                throw InferenceException.InvalidInput($"Input '{name}' has neither 'data' nor parameters.binary_data_size.");
            }
        }
        if (offset != binary.Length)
        {
            throw InferenceException.InvalidInput(
                $"The body has {binary.Length} bytes of binary data after the JSON header, but the inputs' binary_data_size add up to {offset}.");
        }
        return tensors;
    }
}
