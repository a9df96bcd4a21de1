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
public static partial class OpenInferenceRequestReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

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
        json = JsonNonFiniteLiterals.Replace(json, out var literals);
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
                    inputs.Add(ReadInput(ref reader, json.Length, literals));
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
        return new TensorInferenceRequest(id, AttachData(inputs, json, literals, binary), outputs, binaryDataOutput);
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
