using System.Buffers;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Text;
using Inference.Api.OpenInference;
using Inference.Engine.Errors;
using Inference.Engine.Tensors;
using Microsoft.AspNetCore.Http.Metadata;

namespace Inference.Api.Apis;

/// <summary>
/// An inference response: a JSON header (model_name, model_version, id, outputs), then, for outputs sent as binary
/// data, their raw bytes in output order; <c>Inference-Header-Content-Length</c> gives the JSON's length.
/// </summary>
public sealed class OpenInferenceResponse : IResult, IEndpointMetadataProvider
{
    public const string HeaderContentLength = "Inference-Header-Content-Length";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly string _modelName;
    private readonly int _modelVersion;
    private readonly string? _id;
    private readonly InferTensor[] _outputs;
    private readonly bool[] _binary;

    /// <param name="binary">Per output, whether it goes as binary data rather than JSON.</param>
    public OpenInferenceResponse(string modelName, int modelVersion, string? id, InferTensor[] outputs, bool[] binary)
    {
        RefuseBytesJsonCannotCarry(outputs, binary);
        _modelName = modelName;
        _modelVersion = modelVersion;
        _id = id;
        _outputs = outputs;
        _binary = binary;
    }

    /// <summary>
    /// JSON strings are Unicode, so BYTES that are not UTF-8 cannot go as JSON unchanged: refused, naming the binary
    /// data that can carry them. (Triton writes the raw bytes into its JSON, which its own client then fails to decode.)
    /// </summary>
    private static void RefuseBytesJsonCannotCarry(InferTensor[] outputs, bool[] binary)
    {
        for (var i = 0; i < outputs.Length; i++)
        {
            if (!binary[i] && outputs[i].Strings is { } strings && Array.FindIndex(strings, element => !Utf8.IsValid(element)) is var bad and >= 0)
            {
                throw InferenceException.InvalidInput(
                    $"Output '{outputs[i].Name}' element {bad} is not valid UTF-8, so JSON cannot carry it; ask for the output as binary data "
                    + "(its parameters.binary_data = true, or the request's parameters.binary_data_output = true).");
            }
        }
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var json = new ArrayBufferWriter<byte>(1024);
        var binaryLength = WriteHeader(json);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        if (_binary.Any(isBinary => isBinary))
        {
            response.ContentType = "application/octet-stream";
            response.Headers[HeaderContentLength] = json.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            response.ContentType = "application/json";
        }
        response.ContentLength = json.WrittenCount + binaryLength;

        var body = response.BodyWriter;
        body.Write(json.WrittenSpan);
        for (var i = 0; i < _outputs.Length; i++)
        {
            if (!_binary[i])
            {
                continue;
            }
            if (_outputs[i].Strings is { } strings)
            {
                var length = (int)BytesTensorEncoding.EncodedLength(strings);
                BytesTensorEncoding.Encode(strings, body.GetSpan(length));
                body.Advance(length);
            }
            else
            {
                body.Write(_outputs[i].Data);
            }
            await body.FlushAsync(httpContext.RequestAborted);
        }
        await body.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>Writes the JSON header; returns how many bytes of binary data follow it.</summary>
    private long WriteHeader(IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("model_name", _modelName);
        writer.WriteString("model_version", _modelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_id is not null)
        {
            writer.WriteString("id", _id);
        }
        writer.WriteStartArray("outputs");
        long binaryLength = 0;
        for (var i = 0; i < _outputs.Length; i++)
        {
            var output = _outputs[i];
            writer.WriteStartObject();
            writer.WriteString("name", output.Name);
            writer.WriteString("datatype", output.DataType.ToString());
            writer.WriteStartArray("shape");
            foreach (var dimension in output.Shape)
            {
                writer.WriteNumberValue(dimension);
            }
            writer.WriteEndArray();
            if (_binary[i])
            {
                var size = output.Strings is { } strings ? BytesTensorEncoding.EncodedLength(strings) : output.Data.LongLength;
                binaryLength += size;
                writer.WriteStartObject("parameters");
                writer.WriteNumber("binary_data_size", size);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartArray("data");
                WriteData(writer, output);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        return binaryLength;
    }

    private static void WriteData(Utf8JsonWriter writer, InferTensor tensor)
    {
        if (tensor.Strings is { } strings)
        {
            foreach (var element in strings)
            {
                writer.WriteStringValue(element);
            }
            return;
        }
        var info = tensor.DataType.Info();
        Span<byte> text = stackalloc byte[64];
        for (var offset = 0; offset < tensor.Data.Length; offset += info.ElementSize)
        {
            var element = tensor.Data.AsSpan(offset, info.ElementSize);
            if (info.Kind == TensorElementKind.Boolean)
            {
                writer.WriteBooleanValue(element[0] != 0);
                continue;
            }
            info.TryFormat(element, text, out var length);
            // As Triton's writer (rapidjson with kWriteNanAndInfFlag): NaN, Infinity and -Infinity as bare tokens, and
            // floating point always with a fraction or exponent, so readers that type numbers by their text (Python's
            // json) keep it a float and -0.0 its sign.
            if (info.Kind == TensorElementKind.FloatingPoint && text[..length].IndexOfAnyExcept("-0123456789"u8) < 0)
            {
                ".0"u8.CopyTo(text[length..]);
                length += 2;
            }
            writer.WriteRawValue(text[..length], skipInputValidation: true);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(
            StatusCodes.Status200OK, typeof(InferenceResponseDocument), ["application/json", "application/octet-stream"]));
}
