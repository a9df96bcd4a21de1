using System.Text.Json;
using Inference.Api.OpenInference;
using Inference.Engine.Errors;
using Inference.Engine.Tensors;

namespace Inference.Api.Apis;

/// <summary>
/// Reads a REST inference request: the JSON header (with <see cref="Utf8JsonReader"/>, numbers written straight into
/// little-endian tensor buffers) and, with the binary data extension, the raw tensor parts that follow it in input order.
/// Every malformed request is an <see cref="InferenceException"/> of kind InvalidInput, never anything else.
/// </summary>
public static class OpenInferenceRequestReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

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

    /// <param name="body">The whole request body.</param>
    /// <param name="headerLength">The <c>Inference-Header-Content-Length</c> header: where the JSON ends and binary data starts.</param>
    public static TensorInferenceRequest Read(ReadOnlySpan<byte> body, long? headerLength)
    {
        if (headerLength is < 0 || headerLength > body.Length)
        {
            throw InferenceException.InvalidInput(
                $"Inference-Header-Content-Length is {headerLength}, but the body has {body.Length} bytes.");
        }
        var json = headerLength is { } length ? body[..(int)length] : body;
        var binary = headerLength is { } start ? body[(int)start..] : [];
        try
        {
            return Parse(json, binary);
        }
        catch (JsonException exception)
        {
            throw InferenceException.InvalidInput($"The request is not valid JSON: {exception.Message}");
        }
    }

    private static TensorInferenceRequest Parse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> binary)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw InferenceException.InvalidInput("The request must be a JSON object with an 'inputs' array.");
        }

        string? id = null;
        List<InputHeader>? inputs = null;
        List<RequestedOutput> outputs = [];
        var binaryDataOutput = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw InferenceException.InvalidInput("'id' must be a string.");
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                inputs = [];
                ReadArrayOfObjects(ref reader, "inputs");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ExpectObjectHere(ref reader, "'inputs'");
                    inputs.Add(ReadInput(ref reader, json.Length));
                }
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                ReadArrayOfObjects(ref reader, "outputs");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ExpectObjectHere(ref reader, "'outputs'");
                    outputs.Add(ReadOutput(ref reader));
                }
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                ExpectObject(ref reader, "parameters");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isBinaryOutput = reader.ValueTextEquals("binary_data_output"u8);
                    reader.Read();
                    if (isBinaryOutput)
                    {
                        binaryDataOutput = ReadBoolean(ref reader, "parameters.binary_data_output");
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        // Anything after the closing brace (other than whitespace) makes the reader throw, as it should.
        reader.Read();

        if (inputs is null)
        {
            throw InferenceException.InvalidInput("The request has no 'inputs' array.");
        }
        return new TensorInferenceRequest(id, AttachData(inputs, json, binary), outputs, binaryDataOutput);
    }

    private static InputHeader ReadInput(ref Utf8JsonReader reader, int jsonLength)
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
                    input.Tensor = JsonTensorData.Read(ref reader, input.Name, type, shape, jsonLength);
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

    private static RequestedOutput ReadOutput(ref Utf8JsonReader reader)
    {
        string? name = null;
        bool? binaryData = null;
        var classification = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw InferenceException.InvalidInput("An output's 'name' must be a string.");
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                ExpectObject(ref reader, $"Output '{name}' parameters");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("binary_data"u8))
                    {
                        reader.Read();
                        binaryData = ReadBoolean(ref reader, $"Output '{name}' binary_data");
                    }
                    else if (reader.ValueTextEquals("classification"u8))
                    {
                        reader.Read();
                        classification = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var k) && k > 0
                            ? k
                            : throw InferenceException.InvalidInput($"Output '{name}' classification must be a positive integer.");
                    }
                    else if (reader.ValueTextEquals("shared_memory_region"u8))
                    {
                        throw InferenceException.InvalidInput("The shared memory extension is not supported; outputs come back in the response.");
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new RequestedOutput(name ?? throw InferenceException.InvalidInput("A requested output has no 'name'."), binaryData, classification);
    }

    /// <summary>Gives each input its tensor: JSON data read later, or its part of the binary data, in input order.</summary>
    private static InferTensor[] AttachData(List<InputHeader> inputs, ReadOnlySpan<byte> json, ReadOnlySpan<byte> binary)
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
                tensors[i] = JsonTensorData.Read(ref reader, name, type, shape, json.Length);
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

    private static void ReadArrayOfObjects(ref Utf8JsonReader reader, string what)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw InferenceException.InvalidInput($"'{what}' must be an array of objects.");
        }
    }

    private static void ExpectObject(ref Utf8JsonReader reader, string what)
    {
        reader.Read();
        ExpectObjectHere(ref reader, what);
    }

    private static void ExpectObjectHere(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw InferenceException.InvalidInput($"{what} must be a JSON object (or an array of them).");
        }
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader, string what) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw InferenceException.InvalidInput($"{what} must be true or false."),
    };

    /// <summary>Reads the <c>Inference-Header-Content-Length</c> value; null when absent.</summary>
    public static long? ParseHeaderLength(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) ? length
        : throw InferenceException.InvalidInput($"Inference-Header-Content-Length '{value}' is not a byte count.");
}
