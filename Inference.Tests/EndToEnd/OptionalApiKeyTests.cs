using System.Net;
using System.Net.Http.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>The shared AppHost runs in Development, where prediction routes take anonymous callers but admin routes never do.</summary>
public sealed class OptionalApiKeyTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PredictionsAreAnonymousWhenKeysAreNotRequired()
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text = "Lovely" }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminRoutesNeedTheAdminKeyEvenWhenKeysAreNotRequired()
    {
        var anonymous = await fixture.Api.GetAsync("/api/admin/keys", Cancellation);
        var withBootstrapKey = await fixture.AdminApi.GetAsync("/api/admin/keys", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withBootstrapKey.StatusCode);
    }

    [Fact]
    public async Task AnInvalidKeyIsRefusedEvenWhenKeysAreNotRequired()
    {
        using var client = ApiKeyClient.WithKey(fixture.App.CreateHttpClient("inference-api", "http"), "not-a-key");

        var response = await client.PostAsJsonAsync("/api/predict/text", new { text = "Lovely" }, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
