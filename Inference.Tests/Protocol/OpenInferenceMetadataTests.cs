using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Inference.Tests.EndToEnd;
using static Inference.Tests.Protocol.OpenInferenceProtocol;

namespace Inference.Tests.Protocol;

/// <summary>Health, server and model metadata, readiness and the OpenAPI description of the protocol's routes.</summary>
public sealed class OpenInferenceMetadataTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/simple/ready")]
    [InlineData("/v2/models/simple/versions/1/ready")]
    public async Task HealthAndReadinessAre200WithAnEmptyBody(string path)
    {
        var response = await fixture.Api.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Theory]
    [InlineData("/v2/models/no_such_model/ready")]
    [InlineData("/v2/models/simple/versions/7/ready")]
    [InlineData("/v2/models/simple/versions/latest/ready")]
    [InlineData("/v2/models/broken/ready")]
    public async Task ModelsThatCannotServeAreNotReady(string path)
    {
        var response = await fixture.Api.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task ServerMetadataNamesTheExtensions()
    {
        var metadata = await fixture.Api.GetFromJsonAsync<JsonElement>("/v2", Cancellation);

        Assert.Equal("inference", metadata.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(metadata.GetProperty("version").GetString()));
        Assert.Equal(["binary_tensor_data", "classification", "model_configuration", "model_repository", "statistics"],
            metadata.GetProperty("extensions").EnumerateArray().Select(extension => extension.GetString()));
    }

    [Theory]
    [InlineData("/v2/models/simple")]
    [InlineData("/v2/models/simple/versions/1")]
    public async Task ModelMetadataDescribesInputsAndOutputs(string path)
    {
        var metadata = await fixture.Api.GetFromJsonAsync<JsonElement>(path, Cancellation);

        Assert.Equal("simple", metadata.GetProperty("name").GetString());
        Assert.Equal(["1"], metadata.GetProperty("versions").EnumerateArray().Select(version => version.GetString()));
        Assert.Equal("onnxruntime_onnx", metadata.GetProperty("platform").GetString());
        var input = metadata.GetProperty("inputs")[0];
        Assert.Equal("INPUT0", input.GetProperty("name").GetString());
        Assert.Equal("INT32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 16L], input.GetProperty("shape").Deserialize<long[]>()!);
        Assert.Equal(["OUTPUT0", "OUTPUT1"], metadata.GetProperty("outputs").EnumerateArray().Select(output => output.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task ImageModelMetadataShowsItsFixedAndDynamicDimensions()
    {
        var metadata = await fixture.Api.GetFromJsonAsync<JsonElement>("/v2/models/mobilenet", Cancellation);

        var input = metadata.GetProperty("inputs")[0];
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 3L, 224L, 224L], input.GetProperty("shape").Deserialize<long[]>()!);
    }

    [Theory]
    [InlineData("/v2/models/no_such_model", 404)]
    [InlineData("/v2/models/simple/versions/9", 404)]
    [InlineData("/v2/models/simple/versions/first", 400)]
    [InlineData("/v2/models/no_such_model/stats", 404)]
    [InlineData("/v2/no/such/route", 404)]
    public async Task MetadataErrorsUseTheProtocolErrorBody(string path, int expectedStatus)
    {
        var (status, error, _) = await SendFailingAsync(fixture.Api, new HttpRequestMessage(HttpMethod.Get, path));

        Assert.Equal(expectedStatus, status);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task OpenApiDescribesTheProtocolRoutes()
    {
        var document = await fixture.Api.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancellation);

        var paths = document.GetProperty("paths");
        var infer = paths.GetProperty("/v2/models/{name}/infer").GetProperty("post");
        Assert.Contains("Inference-Header-Content-Length", infer.GetProperty("description").GetString());
        Assert.True(infer.GetProperty("responses").TryGetProperty("413", out _));
        foreach (var path in new[] { "/v2/health/ready", "/v2", "/v2/models/{name}/versions/{version}/infer", "/v2/models/stats", "/v2/repository/index",
            "/v2/repository/models/{name}/load" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document.");
        }
    }
}
