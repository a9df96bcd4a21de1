using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Inference.Tests.Protocol;

/// <summary>Sends a case over REST as tritonclient.http lays it out: JSON <c>data</c>, or the binary tensor data extension.</summary>
public sealed class RestProtocolTransport(HttpClient client, bool binary)
{
    private const string HeaderContentLength = "Inference-Header-Content-Length";

    public async Task<ProtocolAnswer> InferAsync(ProtocolCase request, CancellationToken cancellationToken)
    {
        var path = request.Version is null
            ? $"/v2/models/{request.Model}/infer"
            : $"/v2/models/{request.Model}/versions/{request.Version}/infer";
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(request) };
        using var response = await client.SendAsync(message, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var error = JsonDocument.Parse(body);
            Assert.Equal(["error"], error.RootElement.EnumerateObject().Select(property => property.Name));
            return new ProtocolAnswer(StatusOf(response.StatusCode), error.RootElement.GetProperty("error").GetString()!, new Dictionary<string, ProtocolTensor>());
        }
        return new ProtocolAnswer(ProtocolStatus.Ok, "", ReadOutputs(response, body));
    }

    private HttpContent Body(ProtocolCase request)
    {
        var json = new StringBuilder("{\"id\":\"").Append(request.Name).Append("\",\"inputs\":[");
        for (var i = 0; i < request.Inputs.Length; i++)
        {
            var input = request.Inputs[i];
            json.Append(i == 0 ? "" : ",").Append($"{{\"name\":\"{input.Name}\",\"datatype\":\"{input.Datatype}\",\"shape\":[{string.Join(",", input.Shape)}],");
            json.Append(binary ? $"\"parameters\":{{\"binary_data_size\":{input.Bytes.Length}}}}}" : $"\"data\":{ProtocolBytes.JsonData(input)}}}");
        }
        json.Append(']');
        if (request.Outputs is { } outputs)
        {
            json.Append(",\"outputs\":[").AppendJoin(",", outputs.Select(output => output.Classification > 0
                ? $"{{\"name\":\"{output.Name}\",\"parameters\":{{\"classification\":{output.Classification}}}}}"
                : $"{{\"name\":\"{output.Name}\"}}")).Append(']');
        }
        json.Append(binary ? ",\"parameters\":{\"binary_data_output\":true}}" : "}");

        var header = Encoding.UTF8.GetBytes(json.ToString());
        var content = new ByteArrayContent(binary ? [.. header, .. request.Inputs.SelectMany(input => input.Bytes)] : header);
        if (binary)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.Add(HeaderContentLength, header.Length.ToString());
        }
        return content;
    }

    private static Dictionary<string, ProtocolTensor> ReadOutputs(HttpResponseMessage response, byte[] body)
    {
        var headerLength = response.Headers.TryGetValues(HeaderContentLength, out var values) ? int.Parse(values.Single()) : body.Length;
        using var header = JsonDocument.Parse(ProtocolBytes.QuoteNonFiniteNumbers(Encoding.UTF8.GetString(body, 0, headerLength)));
        var outputs = new Dictionary<string, ProtocolTensor>();
        var offset = headerLength;
        foreach (var output in header.RootElement.GetProperty("outputs").EnumerateArray())
        {
            var name = output.GetProperty("name").GetString()!;
            var datatype = output.GetProperty("datatype").GetString()!;
            var shape = output.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt64()).ToArray();
            byte[] bytes;
            if (output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var size))
            {
                bytes = body[offset..(offset + size.GetInt32())];
                offset += size.GetInt32();
            }
            else
            {
                bytes = ProtocolBytes.FromJson(datatype, output.GetProperty("data"));
            }
            outputs[name] = new ProtocolTensor(name, datatype, shape, bytes);
        }
        Assert.Equal(body.Length, offset);
        return outputs;
    }

    private static ProtocolStatus StatusOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => ProtocolStatus.InvalidArgument,
        HttpStatusCode.NotFound => ProtocolStatus.NotFound,
        HttpStatusCode.ServiceUnavailable => ProtocolStatus.Unavailable,
        HttpStatusCode.RequestEntityTooLarge => ProtocolStatus.ResourceExhausted,
        _ => throw new Xunit.Sdk.XunitException($"HTTP {(int)status} is no status the protocol answers with."),
    };
}
