using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Protocol;

/// <summary>A protocol response: its JSON header and, by output name, the binary parts that followed it.</summary>
public sealed record OpenInferenceResult(HttpResponseMessage Response, JsonElement Header, IReadOnlyDictionary<string, byte[]> Binary)
{
    public JsonElement Output(string name) => Header.GetProperty("outputs").EnumerateArray().Single(output => output.GetProperty("name").GetString() == name);

    public string[] OutputNames => [.. Header.GetProperty("outputs").EnumerateArray().Select(output => output.GetProperty("name").GetString()!)];

    public T[] Data<T>(string name) => Output(name).GetProperty("data").Deserialize<T[]>()!;

    public long[] Shape(string name) => Output(name).GetProperty("shape").Deserialize<long[]>()!;
}

/// <summary>Builds requests the way Triton's own HTTP client lays them out, and reads the answers the way it does.</summary>
public static class OpenInferenceProtocol
{
    public const string HeaderContentLength = "Inference-Header-Content-Length";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A JSON-only request: the whole body is the JSON (tritonclient sends it with no content type).</summary>
    public static HttpRequestMessage Json(string path, JsonNode body) => new(HttpMethod.Post, path)
    {
        Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString())),
    };

    /// <summary>A request whose body is exactly this text, malformed or not.</summary>
    public static HttpRequestMessage Json(string path, string body) => new(HttpMethod.Post, path)
    {
        Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
    };

    /// <summary>
    /// A binary-data request as tritonclient.http builds it: the JSON header (each binary input carries
    /// <c>"parameters": {"binary_data_size": N}</c>), then the inputs' raw bytes in input order, and the header
    /// <c>Inference-Header-Content-Length</c> with the JSON's length.
    /// </summary>
    public static HttpRequestMessage Binary(string path, JsonNode header, params byte[][] parts)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var body = new byte[json.Length + parts.Sum(part => part.Length)];
        json.CopyTo(body, 0);
        var offset = json.Length;
        foreach (var part in parts)
        {
            part.CopyTo(body, offset);
            offset += part.Length;
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add(HeaderContentLength, json.Length.ToString());
        return request;
    }

    /// <summary>An input given as binary data.</summary>
    public static JsonObject BinaryInput(string name, string datatype, long[] shape, int size) => new()
    {
        ["name"] = name,
        ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)d)]),
        ["datatype"] = datatype,
        ["parameters"] = new JsonObject { ["binary_data_size"] = size },
    };

    /// <summary>An input given as JSON data.</summary>
    public static JsonObject JsonInput(string name, string datatype, long[] shape, JsonNode data) => new()
    {
        ["name"] = name,
        ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)d)]),
        ["datatype"] = datatype,
        ["data"] = data,
    };

    public static JsonArray Array<T>(IEnumerable<T> values) => new([.. values.Select(value => JsonValue.Create(value))]);

    /// <summary>BYTES elements as the binary extension carries them: 4-byte little-endian length, then the bytes.</summary>
    public static byte[] LengthPrefixed(params string[] elements) => LengthPrefixed([.. elements.Select(Encoding.UTF8.GetBytes)]);

    /// <summary>BYTES elements given as bytes, which need not be UTF-8.</summary>
    public static byte[] LengthPrefixed(params byte[][] elements)
    {
        using var stream = new MemoryStream();
        foreach (var element in elements)
        {
            stream.Write(BitConverter.GetBytes(element.Length));
            stream.Write(element);
        }
        return stream.ToArray();
    }

    public static async Task<OpenInferenceResult> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsByteArrayAsync(Cancellation);
        var headerLength = response.Headers.TryGetValues(HeaderContentLength, out var values) ? int.Parse(values.Single()) : body.Length;
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }
        var header = JsonDocument.Parse(body.AsMemory(0, headerLength)).RootElement.Clone();
        var binary = new Dictionary<string, byte[]>();
        var offset = headerLength;
        foreach (var output in header.GetProperty("outputs").EnumerateArray())
        {
            if (output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var size))
            {
                binary[output.GetProperty("name").GetString()!] = body[offset..(offset + size.GetInt32())];
                offset += size.GetInt32();
            }
        }
        Assert.Equal(body.Length, offset);
        return new OpenInferenceResult(response, header, binary);
    }

    /// <summary>Sends a request that must fail; returns the status and the protocol's error message.</summary>
    public static async Task<(int Status, string Error, HttpResponseMessage Response)> SendFailingAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.False(response.IsSuccessStatusCode, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var properties = document.RootElement.EnumerateObject().Select(property => property.Name).ToArray();
        Assert.Equal(["error"], properties);
        return ((int)response.StatusCode, document.RootElement.GetProperty("error").GetString()!, response);
    }
}
