using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>API keys with keys required (as in production): lifecycle, scopes and the 401/403 answers.</summary>
[Collection(SecuredApiCollection.Name)]
public sealed class ApiKeyTests(SecuredApiFixture fixture)
{
    private static readonly TimeSpan RevocationDeadline = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyWorksUntilRevokedAndListingsNeverShowTheSecret()
    {
        var created = await ApiKeyClient.CreateAsync(fixture.AdminApi, "lifecycle", "infer");
        using var client = fixture.ClientWithKey(created.Key);

        var beforeRevoke = await PredictAsync(client);
        var listing = await fixture.AdminApi.GetStringAsync("/api/admin/keys", Cancellation);
        var revoke = await fixture.AdminApi.DeleteAsync($"/api/admin/keys/{created.Id}", Cancellation);
        var clock = Stopwatch.StartNew();
        var afterRevoke = await PredictAsync(client);
        while (afterRevoke.StatusCode != HttpStatusCode.Unauthorized && clock.Elapsed < RevocationDeadline)
        {
            await Task.Delay(250, Cancellation);
            afterRevoke = await PredictAsync(client);
        }
        var listingAfterRevoke = await fixture.AdminApi.GetFromJsonAsync<KeySummaryDto[]>("/api/admin/keys", Cancellation);

        Assert.StartsWith($"inf_{created.Prefix}_", created.Key);
        Assert.Equal(["infer"], created.Scopes);
        Assert.Equal(HttpStatusCode.OK, beforeRevoke.StatusCode);
        var listed = JsonDocument.Parse(listing).RootElement.EnumerateArray().Single(key => key.GetProperty("id").GetGuid() == created.Id);
        Assert.Equal(created.Prefix, listed.GetProperty("prefix").GetString());
        Assert.DoesNotContain(created.Key, listing);
        Assert.DoesNotContain(listed.EnumerateObject(), property => property.Name is "key" or "secretHash" or "hash");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.NotNull(listingAfterRevoke!.Single(key => key.Id == created.Id).RevokedAt);
    }

    [Fact]
    public async Task InferKeyIsForbiddenOnAdminRoutesAndAdminKeyIsAllowedEverywhere()
    {
        var inferKey = await ApiKeyClient.CreateAsync(fixture.AdminApi, "infer only", "infer");
        var adminKey = await ApiKeyClient.CreateAsync(fixture.AdminApi, "operator", "admin");
        using var inferClient = fixture.ClientWithKey(inferKey.Key);
        using var adminClient = ApiKeyClient.WithBearer(fixture.App.CreateHttpClient(SecuredApiFixture.ApiResource, "http"), adminKey.Key);

        var forbidden = await inferClient.GetAsync("/api/admin/keys", Cancellation);
        var forbiddenLoad = await inferClient.PostAsync("/api/admin/models/sentiment/load", null, Cancellation);
        var adminListing = await adminClient.GetAsync("/api/admin/keys", Cancellation);
        var adminPrediction = await PredictAsync(adminClient);

        await AssertProblemAsync(forbidden, HttpStatusCode.Forbidden, "admin");
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenLoad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminListing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminPrediction.StatusCode);
    }

    [Fact]
    public async Task MissingOrInvalidKeyGets401WithChallenge()
    {
        using var wrongKey = fixture.ClientWithKey("inf_AAAAAAAA_" + new string('x', 40));

        var missing = await PredictAsync(fixture.Api);
        var missingOnAdmin = await fixture.Api.GetAsync("/api/admin/keys", Cancellation);
        var invalid = await PredictAsync(wrongKey);

        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "API key");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, missingOnAdmin.StatusCode);
        await AssertProblemAsync(invalid, HttpStatusCode.Unauthorized, "not valid");
        Assert.Contains("invalid_token", invalid.Headers.WwwAuthenticate.Single().Parameter);
    }

    [Fact]
    public async Task CreatingAKeyWithAnUnknownScopeOrNoNameIs400()
    {
        var unknownScope = await fixture.AdminApi.PostAsJsonAsync("/api/admin/keys", new { name = "x", scopes = new[] { "root" } }, Cancellation);
        var noName = await fixture.AdminApi.PostAsJsonAsync("/api/admin/keys", new { scopes = new[] { "infer" } }, Cancellation);
        var unknownKey = await fixture.AdminApi.DeleteAsync($"/api/admin/keys/{Guid.NewGuid()}", Cancellation);

        await AssertProblemAsync(unknownScope, HttpStatusCode.BadRequest, "infer, admin");
        await AssertProblemAsync(noName, HttpStatusCode.BadRequest, "name");
        Assert.Equal(HttpStatusCode.NotFound, unknownKey.StatusCode);
    }

    [Fact]
    public async Task PredictionLogRecordsWhichKeyAsked()
    {
        var created = await ApiKeyClient.CreateAsync(fixture.AdminApi, "logged", "infer");
        using var client = fixture.ClientWithKey(created.Key);
        var text = $"Logged with its key id {Guid.NewGuid():N}";

        var response = await client.PostAsJsonAsync("/api/predict/text", new { text }, Cancellation);
        var connectionString = await fixture.App.GetConnectionStringAsync("inferencedb", Cancellation)
            ?? throw new InvalidOperationException("inferencedb has no connection string.");
        var rows = await PredictionCalls.PollCountAsync(connectionString,
            """SELECT count(*) FROM predictions WHERE "KeyId" = @key AND "InputPreview" = @text""", count => count >= 1,
            parameters: [("key", created.Id.ToString()), ("text", text)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, rows);
    }

    private static Task<HttpResponseMessage> PredictAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/predict/text", new { text = "A fine film" }, Cancellation);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string mentions)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal((int)status, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        Assert.Contains(mentions, body, StringComparison.OrdinalIgnoreCase);
    }
}
