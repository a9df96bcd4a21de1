using System.Buffers;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Text;
using Inference.Api.OpenInference;
using Inference.Engine.Tensors;
using Microsoft.AspNetCore.Http.Metadata;

namespace Inference.Api.Apis;

/// <summary>
/// An inference response: a JSON header (model_name, model_version, id, outputs), then, for outputs sent as binary
/// data, their raw bytes in output order; <c>Inference-Header-Content-Length</c> gives the JSON's length.
/// </summary>
public sealed class OpenInferenceResponse(string modelName, int modelVersion, string? id, InferTensor[] outputs, bool[] binary)
    : IResult, IEndpointMetadataProvider
{
    public const string HeaderContentLength = "Inference-Header-Content-Length";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var json = new ArrayBufferWriter<byte>(1024);
        var binaryLength = WriteHeader(json);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        if (binary.Any(isBinary => isBinary))
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
        for (var i = 0; i < outputs.Length; i++)
        {
            if (!binary[i])
            {
                continue;
            }
            if (outputs[i].Strings is { } strings)
            {
                var length = (int)BytesTensorEncoding.EncodedLength(strings);
                BytesTensorEncoding.Encode(strings, body.GetSpan(length));
                body.Advance(length);
            }
            else
            {
                body.Write(outputs[i].Data);
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
        writer.WriteString("model_name", modelName);
        writer.WriteString("model_version", modelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (id is not null)
        {
            writer.WriteString("id", id);
        }
        writer.WriteStartArray("outputs");
        long binaryLength = 0;
        for (var i = 0; i < outputs.Length; i++)
        {
            var output = outputs[i];
            writer.WriteStartObject();
            writer.WriteString("name", output.Name);
            writer.WriteString("datatype", output.DataType.ToString());
            writer.WriteStartArray("shape");
            foreach (var dimension in output.Shape)
            {
                writer.WriteNumberValue(dimension);
            }
            writer.WriteEndArray();
            if (binary[i])
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
        ReadOnlySpan<byte> data = tensor.Data;
        switch (tensor.DataType)
        {
            case TensorDataType.BOOL:
                foreach (var value in data) { writer.WriteBooleanValue(value != 0); }
                break;
            case TensorDataType.UINT8:
                foreach (var value in data) { writer.WriteNumberValue(value); }
                break;
            case TensorDataType.INT8:
                foreach (var value in MemoryMarshal.Cast<byte, sbyte>(data)) { writer.WriteNumberValue(value); }
                break;
            case TensorDataType.UINT16:
                foreach (var value in MemoryMarshal.Cast<byte, ushort>(data)) { writer.WriteNumberValue(value); }
                break;
            case TensorDataType.INT16:
                foreach (var value in MemoryMarshal.Cast<byte, short>(data)) { writer.WriteNumberValue(value); }
                break;
            case TensorDataType.UINT32:
                foreach (var value in MemoryMarshal.Cast<byte, uint>(data)) { writer.WriteNumberValue(value); }
                break;
            case TensorDataType.INT32:
                foreach (var value in MemoryMarshal.Cast<byte, int>(data)) { writer.WriteNumberValue(value); }
                break;
            case TensorDataType.UINT64:
                foreach (var value in MemoryMarshal.Cast<byte, ulong>(data)) { writer.WriteNumberValue(value); }
                break;
            case TensorDataType.INT64:
                foreach (var value in MemoryMarshal.Cast<byte, long>(data)) { writer.WriteNumberValue(value); }
                break;
            case TensorDataType.FP16:
                foreach (var value in MemoryMarshal.Cast<byte, Half>(data)) { WriteFloat(writer, (double)value); }
                break;
            case TensorDataType.BF16:
                foreach (var bits in MemoryMarshal.Cast<byte, ushort>(data)) { WriteFloat(writer, BitConverter.Int32BitsToSingle(bits << 16)); }
                break;
            case TensorDataType.FP32:
                foreach (var value in MemoryMarshal.Cast<byte, float>(data))
                {
                    if (float.IsFinite(value)) { writer.WriteNumberValue(value); } else { WriteFloat(writer, value); }
                }
                break;
            case TensorDataType.FP64:
                foreach (var value in MemoryMarshal.Cast<byte, double>(data)) { WriteFloat(writer, value); }
                break;
            case TensorDataType.BYTES:
                foreach (var element in tensor.Strings!)
                {
                    if (Utf8.IsValid(element)) { writer.WriteStringValue(element); } else { writer.WriteStringValue(Encoding.UTF8.GetString(element)); }
                }
                break;
        }
    }

    /// <summary>JSON has no NaN or infinity: those are written as the strings "NaN", "Infinity" and "-Infinity".</summary>
    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(
            StatusCodes.Status200OK, typeof(InferenceResponseDocument), ["application/json", "application/octet-stream"]));
}
