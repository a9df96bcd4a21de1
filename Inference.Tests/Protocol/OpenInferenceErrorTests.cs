using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Inference.Tests.EndToEnd;
using static Inference.Tests.Protocol.OpenInferenceProtocol;

namespace Inference.Tests.Protocol;

/// <summary>Each malformed or unservable request gets its status and a protocol <c>{"error": "..."}</c> body, never a 500.</summary>
[Collection(GrpcModelCollection.Name)]
public sealed class OpenInferenceErrorTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string Simple(string input0, string input1 = """{"name":"INPUT1","shape":[1,2],"datatype":"INT32","data":[1,2]}""") =>
        $$"""{"inputs":[{{input0}},{{input1}}]}""";

    private static string Valid(string name) =>
        $$"""{"name":"{{name}}","shape":[1,16],"datatype":"INT32","data":[{{string.Join(",", Enumerable.Range(0, 16))}}]}""";

    public static TheoryData<string, string, string> BadJsonRequests => new()
    {
        { "simple", """{"inputs":[{"name":"INPUT0",""", "not valid JSON" },
        { "simple", """{"inputs":[]} trailing""", "not valid JSON" },
        { "simple", """["not an object"]""", "JSON object" },
        { "simple", """{"outputs":[]}""", "no 'inputs'" },
        { "simple", Simple("""{"name":"INPUT0","shape":[1,2],"datatype":"INT32","data":[1,2,3]}"""), "more elements" },
        { "simple", Simple("""{"name":"INPUT0","shape":[1,2],"datatype":"INT32","data":[1]}"""), "needs 2" },
        { "simple", Simple("""{"name":"INPUT0","shape":[2,1],"datatype":"INT32","data":[[1,2]]}"""), "does not match its shape" },
        { "simple", Simple("""{"name":"INPUT0","shape":[1,2],"datatype":"FP32","data":[1,2]}"""), "expects INT32" },
        { "simple", Simple("""{"name":"INPUT0","shape":[1,2],"datatype":"INT33","data":[1,2]}"""), "datatype 'INT33'" },
        { "simple", Simple("""{"name":"INPUT0","shape":[1,2],"datatype":"INT32","data":[1,"2"]}"""), "not \"2\"" },
        { "simple", Simple("""{"name":"INPUT0","shape":[1,2],"datatype":"INT32","data":[1,2.5]}"""), "2.5" },
        { "simple", Simple("""{"name":"INPUT0","shape":[1,-2],"datatype":"INT32","data":[1,2]}"""), "negative dimension" },
        { "simple", Simple("""{"name":"INPUT0","shape":[1,2],"datatype":"INT32"}"""), "neither 'data'" },
        { "simple", $$"""{"inputs":[{{Valid("INPUT1")}}]}""", "needs input(s) 'INPUT0'" },
        { "simple", Simple("""{"name":"INPUT9","shape":[1,2],"datatype":"INT32","data":[1,2]}"""), "no input 'INPUT9'" },
        { "simple", $$"""{"inputs":[{{Valid("INPUT0")}},{{Valid("INPUT1")}}],"outputs":[{"name":"OUTPUT7"}]}""", "no output 'OUTPUT7'" },
        { "identity_uint8", """{"inputs":[{"name":"INPUT0","shape":[1,2],"datatype":"UINT8","data":[1,300]}]}""", "0 to 255, not 300" },
        { "identity_int8", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"INT8","data":[-129]}]}""", "-128 to 127" },
        { "identity_bool", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"BOOL","data":[1]}]}""", "true or false" },
        { "identity_bytes", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"BYTES","data":[7]}]}""", "JSON string" },
        { "identity_bf16_or_any", """{"inputs":[]}""", "does not exist" },
        // NaN and infinity tokens are numbers only in floating-point data; as anything else they are refused.
        { "identity_int32", """{"inputs":[{"name":"INPUT0","shape":[1,2],"datatype":"INT32","data":[1,NaN]}]}""", "not NaN" },
        { "identity_int64", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"INT64","data":[-Infinity]}]}""", "not -Infinity" },
        { "identity_bytes", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"BYTES","data":[NaN]}]}""", "JSON string" },
        { "identity_fp32", """{"inputs":[{"name":"INPUT0","shape":[1,Infinity],"datatype":"FP32","data":[1]}]}""", "array of integers" },
        { "identity_fp32", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"FP32","data":["NaN"]}]}""", "not \"NaN\"" },
        { "identity_fp32", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"FP32","data":[nan]}]}""", "not valid JSON" },
        { "identity_fp32", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"FP32","data":[Infinit]}]}""", "not valid JSON" },
        { "identity_fp32", """{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"FP32","data":[1e39]}]}""", "not 1e39" },
        { "identity_fp32", """{"id":NaN,"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"FP32","data":[1]}]}""", "'id' must be a string" },
    };

    [Theory]
    [MemberData(nameof(BadJsonRequests))]
    public async Task MalformedJsonRequestsAre4xxWithTheProtocolErrorBody(string model, string body, string expectedMessage)
    {
        var (status, error, _) = await SendFailingAsync(fixture.Api, Json($"/v2/models/{model}/infer", (body)));

        Assert.Equal(model == "identity_bf16_or_any" ? 404 : 400, status);
        Assert.Contains(expectedMessage, error);
    }

    [Theory]
    [InlineData(60, 64, "binary_data_size 64, but only 60 bytes")]
    [InlineData(70, 64, "binary_data_size add up to 64")]
    [InlineData(64, 60, "needs 64")]
    public async Task BinaryPartsThatDisagreeWithTheirSizesAre400(int sentBytes, int declaredSize, string expectedMessage)
    {
        var header = new JsonObject { ["inputs"] = new JsonArray(BinaryInput("INPUT0", "INT32", [1, 16], declaredSize), JsonInput("INPUT1", "INT32", [1, 16], Array(new int[16]))) };

        var (status, error, _) = await SendFailingAsync(fixture.Api, Binary("/v2/models/simple/infer", header, new byte[sentBytes]));

        Assert.Equal(400, status);
        Assert.Contains(expectedMessage, error);
    }

    [Fact]
    public async Task HeaderLengthBeyondTheBodyIs400()
    {
        var request = Json("/v2/models/simple/infer", (Simple("""{"name":"INPUT0","shape":[1,2],"datatype":"INT32","data":[1,2]}""")));
        request.Headers.Add(HeaderContentLength, "100000");

        var (status, error, _) = await SendFailingAsync(fixture.Api, request);

        Assert.Equal(400, status);
        Assert.Contains("Inference-Header-Content-Length", error);
    }

    [Theory]
    [InlineData("/v2/models/no_such_model/infer", 404)]
    [InlineData("/v2/models/simple/versions/3/infer", 404)]
    [InlineData("/v2/models/simple/versions/0/infer", 400)]
    public async Task UnknownModelsAndVersionsAreRefused(string path, int expectedStatus)
    {
        var (status, _, _) = await SendFailingAsync(fixture.Api, Json(path, ("""{"inputs":[]}""")));

        Assert.Equal(expectedStatus, status);
    }

    [Fact]
    public async Task ModelThatFailedToLoadIs503WithRetryAfter()
    {
        var (status, error, response) = await SendFailingAsync(fixture.Api, Json("/v2/models/broken/infer", ("""{"inputs":[]}""")));

        Assert.Equal(503, status);
        Assert.Contains("unavailable", error);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task BodyOverTheLimitIs413BeforeItIsRead()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/simple/infer") { Content = new LazyZeros(65L * 1024 * 1024) };
        request.Headers.ExpectContinue = true;

        var (status, error, _) = await SendFailingAsync(fixture.Api, request);

        Assert.Equal(413, status);
        Assert.Contains("MiB", error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BodyOverTheLimitSentWholeStillGetsIts413(bool declareLength)
    {
        // As tritonclient sends it: no Expect: 100-continue, all 80 MiB on the wire before the answer is read, with a
        // Content-Length or chunked. The server must take in (drain) the rest rather than reset the connection.
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/simple/infer") { Content = new LazyZeros(80L * 1024 * 1024, declareLength) };

        var (status, error, _) = await SendFailingAsync(fixture.Api, request);

        Assert.Equal(413, status);
        Assert.Contains("64 MiB", error);
    }

    /// <summary>
    /// A body of zeros that only claims its length (or, undeclared, goes chunked): with Expect: 100-continue nothing is
    /// sent once the server has answered.
    /// </summary>
    private sealed class LazyZeros : HttpContent
    {
        private readonly long _length;
        private readonly bool _declareLength;

        public LazyZeros(long length, bool declareLength = true)
        {
            _length = length;
            _declareLength = declareLength;
            if (declareLength)
            {
                Headers.ContentLength = length;
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (long sent = 0; sent < _length; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, _length - sent)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return _declareLength;
        }
    }
}
