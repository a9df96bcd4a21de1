using System.Net;
using System.Net.Http.Json;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Protocol;

/// <summary>What every transport says about a model's readiness around an unload and a load.</summary>
[Collection(GrpcModelCollection.Name)]
public sealed class ModelReadinessTests(AppHostFixture fixture) : IDisposable
{
    // Unloaded for a moment: only tests of this collection use it, and they never run beside this one.
    private const string Model = "identity_int16";

    private readonly GrpcChannel _channel = GrpcTensors.Channel(fixture.GrpcEndpoint);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _channel.Dispose();

    /// <summary>REST model and version readiness, gRPC ModelReady, and the catalogue's status (or its HTTP status when absent).</summary>
    private sealed record Readiness(HttpStatusCode Rest, HttpStatusCode RestVersion, bool Grpc, string Catalogue);

    [Fact]
    public async Task ModelIsReadyUntilUnloadedAndReadyAgainOnceLoaded()
    {
        var before = await ReadinessAsync();
        var unload = await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/unload", null, Cancellation);
        var loaded = false;
        try
        {
            var afterUnload = await ReadinessAsync();
            var load = await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/load", null, Cancellation);
            loaded = load.IsSuccessStatusCode;
            var afterLoad = await ReadinessAsync();

            var ready = new Readiness(HttpStatusCode.OK, HttpStatusCode.OK, true, "READY");
            Assert.Equal(ready, before);
            Assert.Equal(HttpStatusCode.NoContent, unload.StatusCode);
            Assert.Equal(new Readiness(HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, false, "UNAVAILABLE"), afterUnload);
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
            Assert.Equal(ready, afterLoad);
        }
        finally
        {
            if (unload.IsSuccessStatusCode && !loaded)
            {
                // The other tests of the collection need it.
                await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/load", null, CancellationToken.None);
            }
        }
    }

    private async Task<Readiness> ReadinessAsync()
    {
        var rest = await fixture.Api.GetAsync($"/v2/models/{Model}/ready", Cancellation);
        var restVersion = await fixture.Api.GetAsync($"/v2/models/{Model}/versions/1/ready", Cancellation);
        var grpc = await new GRPCInferenceService.GRPCInferenceServiceClient(_channel)
            .ModelReadyAsync(new ModelReadyRequest { Name = Model }, cancellationToken: Cancellation);
        var catalogue = await fixture.Api.GetAsync($"/api/models/{Model}", Cancellation);
        var status = catalogue.IsSuccessStatusCode
            ? (await catalogue.Content.ReadFromJsonAsync<ModelDto>(Cancellation))!.Status
            : ((int)catalogue.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Readiness(rest.StatusCode, restVersion.StatusCode, grpc.Ready, status);
    }
}
