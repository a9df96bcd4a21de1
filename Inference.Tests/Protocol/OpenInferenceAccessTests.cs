using System.Net;
using System.Text.Json;
using Grpc.Core;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Protocol;

/// <summary>With keys required: the protocol's probes stay open, inference needs a key, the repository extension needs admin; refusals use the protocol's error body.</summary>
[Collection(SecuredApiCollection.Name)]
public sealed class OpenInferenceAccessTests(SecuredApiFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProbesAreOpenAndEverythingElseAsksForAKeyInTheProtocolsErrorBody()
    {
        var live = await fixture.Api.GetAsync("/v2/health/live", Cancellation);
        var ready = await fixture.Api.GetAsync("/v2/health/ready", Cancellation);
        var metadata = await fixture.Api.GetAsync("/v2/models/sentiment", Cancellation);
        var infer = await fixture.Api.PostAsync("/v2/models/sentiment/infer", new StringContent("{\"inputs\": []}"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await AssertProtocolErrorAsync(metadata, HttpStatusCode.Unauthorized);
        await AssertProtocolErrorAsync(infer, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task InferKeyReadsMetadataButCannotUseTheRepositoryExtension()
    {
        var inferKey = await ApiKeyClient.CreateAsync(fixture.AdminApi, "protocol client", "infer");
        using var client = fixture.ClientWithKey(inferKey.Key);

        var metadata = await client.GetAsync("/v2/models/sentiment", Cancellation);
        var unload = await client.PostAsync("/v2/repository/models/sentiment/unload", null, Cancellation);
        var index = await fixture.AdminApi.PostAsync("/v2/repository/index", null, Cancellation);

        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        await AssertProtocolErrorAsync(unload, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
    }

    [Fact]
    public async Task GrpcProbesAreOpenInferenceNeedsAKeyAndTheRepositoryNeedsAdmin()
    {
        var endpoint = fixture.App.GetEndpoint(SecuredApiFixture.ApiResource, "grpc");
        var inferKey = await ApiKeyClient.CreateAsync(fixture.AdminApi, "grpc client", "infer");
        using var anonymousChannel = GrpcTensors.Channel(endpoint);
        using var inferChannel = GrpcTensors.Channel(endpoint, inferKey.Key);
        var anonymous = new GRPCInferenceService.GRPCInferenceServiceClient(anonymousChannel);
        var withKey = new GRPCInferenceService.GRPCInferenceServiceClient(inferChannel);

        var live = await anonymous.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: Cancellation);
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(async () =>
            await anonymous.ModelMetadataAsync(new ModelMetadataRequest { Name = "sentiment" }, cancellationToken: Cancellation));
        var metadata = await withKey.ModelMetadataAsync(new ModelMetadataRequest { Name = "sentiment" }, cancellationToken: Cancellation);
        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await withKey.RepositoryIndexAsync(new RepositoryIndexRequest(), cancellationToken: Cancellation));

        Assert.True(live.Live);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        Assert.Equal("sentiment", metadata.Name);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    private static async Task AssertProtocolErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("error").GetString()));
        Assert.False(body.RootElement.TryGetProperty("title", out _));
    }
}
