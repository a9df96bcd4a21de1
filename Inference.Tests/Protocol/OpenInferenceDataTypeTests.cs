using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Inference.Tests.EndToEnd;
using static Inference.Tests.Protocol.OpenInferenceProtocol;

namespace Inference.Tests.Protocol;

/// <summary>
/// Every datatype through the identity models, statistics and the model repository extension. One class, so its
/// tests run one after another: the statistics and unload tests count and change models the others use.
/// </summary>
[Collection(GrpcModelCollection.Name)]
public sealed class OpenInferenceDataTypeTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> JsonValues => new()
    {
        { "bool", "BOOL", "[true,false,true,true,false,false]" },
        { "uint8", "UINT8", "[0,1,2,127,128,255]" },
        { "int8", "INT8", "[-128,-1,0,1,2,127]" },
        { "uint16", "UINT16", "[0,1,2,300,40000,65535]" },
        { "int16", "INT16", "[-32768,-1,0,1,300,32767]" },
        { "uint32", "UINT32", "[0,1,2,70000,3000000000,4294967295]" },
        { "int32", "INT32", "[-2147483648,-1,0,1,70000,2147483647]" },
        { "uint64", "UINT64", "[0,1,2,5000000000,9223372036854775808,18446744073709551615]" },
        { "int64", "INT64", "[-9223372036854775808,-1,0,1,5000000000,9223372036854775807]" },
        { "fp32", "FP32", "[-1.5,0,0.25,1,3.5,1E+20]" },
        { "fp64", "FP64", "[-1.5,0,0.1,1,3.141592653589793,1E+300]" },
        { "bytes", "BYTES", """["a","","hello world","ünïcødé","42","line\nbreak"]""" },
    };

    [Theory]
    [MemberData(nameof(JsonValues))]
    public async Task EveryDatatypeRoundTripsAsJson(string model, string datatype, string values)
    {
        var data = JsonNode.Parse(values)!;
        var request = new JsonObject { ["inputs"] = new JsonArray(JsonInput("INPUT0", datatype, [2, 3], data)) };

        var result = await SendAsync(fixture.Api, Json($"/v2/models/identity_{model}/infer", request));

        Assert.Equal(datatype, result.Output("OUTPUT0").GetProperty("datatype").GetString());
        Assert.Equal([2L, 3L], result.Shape("OUTPUT0"));
        Assert.True(JsonNode.DeepEquals(data, JsonNode.Parse(result.Output("OUTPUT0").GetProperty("data").GetRawText())),
            result.Output("OUTPUT0").GetProperty("data").GetRawText());
    }

    [Theory]
    [InlineData("fp16", "FP16", 2)]
    [InlineData("fp32", "FP32", 4)]
    [InlineData("int64", "INT64", 8)]
    [InlineData("bool", "BOOL", 1)]
    public async Task FixedSizeDatatypesRoundTripAsBinaryData(string model, string datatype, int elementSize)
    {
        var bytes = Enumerable.Range(0, 6 * elementSize).Select(i => (byte)(datatype == "BOOL" ? i % 2 : i * 7 % 60)).ToArray();
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(BinaryInput("INPUT0", datatype, [2, 3], bytes.Length)),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };

        var result = await SendAsync(fixture.Api, Binary($"/v2/models/identity_{model}/infer", header, bytes));

        Assert.Equal(bytes, result.Binary["OUTPUT0"]);
    }

    [Theory]
    [MemberData(nameof(TensorCodecCases.FloatingPointTypes), MemberType = typeof(TensorCodecCases))]
    public async Task SignedZeroNanAndInfinityRoundTripAsBinaryDataAndAreWrittenAsTritonWritesThem(string model, string datatype)
    {
        var bytes = TensorCodecCases.SpecialFloats(datatype);
        var input = BinaryInput("INPUT0", datatype, [2, 3], bytes.Length);

        var binary = await SendAsync(fixture.Api, Binary($"/v2/models/identity_{model}/infer",
            new JsonObject { ["inputs"] = new JsonArray(input), ["parameters"] = new JsonObject { ["binary_data_output"] = true } }, bytes));
        var json = await SendForTextAsync(Binary($"/v2/models/identity_{model}/infer", new JsonObject { ["inputs"] = new JsonArray(input.DeepClone()) }, bytes));

        Assert.Equal(bytes, binary.Binary["OUTPUT0"]);
        Assert.Equal(TensorCodecCases.SpecialFloatsAsJson, DataText(json));
    }

    [Theory]
    [InlineData("fp32", "FP32", "[-0.0,NaN,Infinity,-Infinity,0,1.5]")]
    [InlineData("fp64", "FP64", "[-0.0,NaN,Infinity,-Infinity,0,1.5]")]
    // rapidjson's other spellings (kParseNanAndInfFlag), nested rows and a -0 without a fraction.
    [InlineData("fp32", "FP32", "[[-0,-NaN,Inf],[-Inf,0.0,1.5]]")]
    [InlineData("fp64", "FP64", "[ -0.0 , NaN , Inf , -Infinity , 0 , 15e-1 ]")]
    public async Task FloatJsonDataTakesTritonsNanAndInfinityTokens(string model, string datatype, string data)
    {
        var body = $$"""{"inputs":[{"name":"INPUT0","shape":[2,3],"datatype":"{{datatype}}","data":{{data}}}]""";

        var json = await SendForTextAsync(Json($"/v2/models/identity_{model}/infer", body + "}"));
        var binary = await SendAsync(fixture.Api, Json($"/v2/models/identity_{model}/infer", body + ""","parameters":{"binary_data_output":true}}"""));

        Assert.Equal(TensorCodecCases.SpecialFloatsAsJson, DataText(json));
        Assert.Equal(TensorCodecCases.SpecialFloats(datatype), binary.Binary["OUTPUT0"]);
    }

    [Fact]
    public async Task BytesThatAreNotUtf8RoundTripExactlyAsBinaryData()
    {
        var bytes = LengthPrefixed(TensorCodecCases.NonUtf8Bytes);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(BinaryInput("INPUT0", "BYTES", [2, 3], bytes.Length)),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "OUTPUT0", ["parameters"] = new JsonObject { ["binary_data"] = true } }),
        };

        var result = await SendAsync(fixture.Api, Binary("/v2/models/identity_bytes/infer", header, bytes));

        Assert.Equal(bytes, result.Binary["OUTPUT0"]);
    }

    [Fact]
    public async Task BytesThatAreNotUtf8AsJsonOutputAreRefusedWith400NamingBinaryData()
    {
        var bytes = LengthPrefixed(TensorCodecCases.NonUtf8Bytes);
        var header = new JsonObject { ["inputs"] = new JsonArray(BinaryInput("INPUT0", "BYTES", [2, 3], bytes.Length)) };

        var (status, error, _) = await SendFailingAsync(fixture.Api, Binary("/v2/models/identity_bytes/infer", header, bytes));

        Assert.Equal(400, status);
        Assert.Contains("not valid UTF-8", error);
        Assert.Contains("binary_data", error);
    }

    [Fact]
    public async Task Fp16AsJsonDataIsRefusedWith400()
    {
        var request = new JsonObject { ["inputs"] = new JsonArray(JsonInput("INPUT0", "FP16", [1, 2], Array(new[] { 1.0, 2.0 }))) };

        var (status, error, _) = await SendFailingAsync(fixture.Api, Json("/v2/models/identity_fp16/infer", request));

        Assert.Equal(400, status);
        Assert.Contains("binary", error);
    }

    [Fact]
    public async Task StatisticsCountThisClassesRequests()
    {
        var before = await StatisticsAsync("identity_uint32");
        var good = new JsonObject { ["inputs"] = new JsonArray(JsonInput("INPUT0", "UINT32", [1, 2], Array(new[] { 1, 2 }))) };
        var bad = new JsonObject { ["inputs"] = new JsonArray(JsonInput("INPUT0", "UINT32", [1, 2, 1], Array(new[] { 1, 2 }))) };

        for (var i = 0; i < 3; i++)
        {
            await SendAsync(fixture.Api, Json("/v2/models/identity_uint32/infer", good));
        }
        await SendFailingAsync(fixture.Api, Json("/v2/models/identity_uint32/versions/1/infer", bad));
        var after = await StatisticsAsync("identity_uint32");
        var all = await fixture.Api.GetFromJsonAsync<JsonElement>("/v2/models/stats", Cancellation);

        Assert.Equal(3, Count(after, "success") - Count(before, "success"));
        Assert.Equal(1, Count(after, "fail") - Count(before, "fail"));
        Assert.Equal(3, after.GetProperty("inference_count").GetInt64() - before.GetProperty("inference_count").GetInt64());
        Assert.InRange(after.GetProperty("execution_count").GetInt64() - before.GetProperty("execution_count").GetInt64(), 1, 3);
        Assert.True(after.GetProperty("last_inference").GetInt64() > 0);
        Assert.NotEmpty(after.GetProperty("batch_stats").EnumerateArray());
        Assert.Contains(all.GetProperty("model_stats").EnumerateArray(), entry => entry.GetProperty("name").GetString() == "identity_uint32");
    }

    [Fact]
    public async Task RepositoryIndexLoadAndUnloadManageModels()
    {
        var request = new JsonObject { ["inputs"] = new JsonArray(JsonInput("INPUT0", "INT8", [1, 1], Array(new[] { 5 }))) };

        var unload = await fixture.AdminApi.PostAsync("/v2/repository/models/identity_int8/unload", null, Cancellation);
        var readyIndex = await IndexAsync("""{"ready": true}""");
        var fullIndexWhileUnloaded = await IndexAsync(null);
        var (statusWhileUnloaded, _, _) = await SendFailingAsync(fixture.Api, Json("/v2/models/identity_int8/infer", request));
        var readyWhileUnloaded = await fixture.Api.GetAsync("/v2/models/identity_int8/ready", Cancellation);
        var load = await fixture.AdminApi.PostAsync("/v2/repository/models/identity_int8/load", null, Cancellation);
        var fullIndex = await IndexAsync(null);

        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.DoesNotContain(readyIndex, row => row.Name == "identity_int8");
        Assert.Contains(new IndexRow("identity_int8", "1", "UNAVAILABLE", "unloaded"), fullIndexWhileUnloaded);
        Assert.All(readyIndex, row => Assert.Equal("READY", row.State));
        Assert.Equal(404, statusWhileUnloaded);
        Assert.Equal(HttpStatusCode.BadRequest, readyWhileUnloaded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        Assert.Contains(new IndexRow("identity_int8", "1", "READY", ""), fullIndex);
        Assert.Contains(fullIndex, row => row is { Name: "broken", State: "UNAVAILABLE" } && row.Reason.Length > 0);
        var afterLoad = await SendAsync(fixture.Api, Json("/v2/models/identity_int8/infer", request));
        Assert.Equal([5], afterLoad.Data<int>("OUTPUT0"));
    }

    [Fact]
    public async Task RepositoryRefusesUnknownModelsAndMalformedIndexRequests()
    {
        var (unloadStatus, _, _) = await SendFailingAsync(fixture.AdminApi, new HttpRequestMessage(HttpMethod.Post, "/v2/repository/models/no_such_model/unload"));
        var (loadStatus, _, _) = await SendFailingAsync(fixture.AdminApi, new HttpRequestMessage(HttpMethod.Post, "/v2/repository/models/no_such_model/load"));
        var (indexStatus, indexError, _) = await SendFailingAsync(fixture.AdminApi,
            new HttpRequestMessage(HttpMethod.Post, "/v2/repository/index") { Content = new StringContent("{\"ready\": ") });

        Assert.Equal(404, unloadStatus);
        Assert.Equal(404, loadStatus);
        Assert.Equal(400, indexStatus);
        Assert.Contains("JSON", indexError);
    }

    /// <summary>
    /// The body of a successful JSON response as text: with NaN or infinity tokens in it (as Triton writes them),
    /// System.Text.Json would refuse to parse it.
    /// </summary>
    private async Task<string> SendForTextAsync(HttpRequestMessage request)
    {
        var response = await fixture.Api.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.IsSuccessStatusCode, body);
        return body;
    }

    /// <summary>The text of the only output's "data" array.</summary>
    private static string DataText(string body) => Regex.Match(body, "\"data\":(\\[[^\\]]*\\])").Groups[1].Value;

    private sealed record IndexRow(string Name, string Version, string State, string Reason);

    private async Task<IndexRow[]> IndexAsync(string? body)
    {
        var response = await fixture.AdminApi.PostAsync("/v2/repository/index", body is null ? null : new StringContent(body), Cancellation);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IndexRow[]>(Cancellation))!;
    }

    private async Task<JsonElement> StatisticsAsync(string model)
    {
        var document = await fixture.Api.GetFromJsonAsync<JsonElement>($"/v2/models/{model}/stats", Cancellation);
        return document.GetProperty("model_stats").EnumerateArray().Single();
    }

    private static long Count(JsonElement statistics, string kind) =>
        statistics.GetProperty("inference_stats").GetProperty(kind).GetProperty("count").GetInt64();
}
