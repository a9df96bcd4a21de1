using System.Net;
using System.Text.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// Invalid keys from one client address are counted across both replicas through Redis; past the budget every request
/// from that address that carries a key is refused with 429 and Retry-After, the right key included, while other
/// addresses are not held up. Clients are told apart by <c>X-Forwarded-For</c>, which the API trusts from loopback (the
/// AppHost's proxy) as it would from a configured reverse proxy.
/// </summary>
[Collection(ReplicatedApiCollection.Name)]
public sealed class FailedKeyThrottleTests(ReplicatedApiFixture fixture)
{
    private const int Limit = ReplicatedApiFixture.FailedKeyLimit;
    private const string AdminRoute = "/api/admin/dependencies";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InvalidKeysFromOneAddressAreThrottledAcrossReplicasWhileOtherAddressesAreServed()
    {
        const string guesser = "198.51.100.7";
        const string neighbour = "198.51.100.8";

        var guesses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4 * Limit; i++)
        {
            guesses.Add(await SendAsync(AdminRoute, guesser, ApiKeyClient.NewBootstrapKey()));
        }
        var rightKeyFromGuesser = await SendAsync(AdminRoute, guesser, fixture.AdminKey);
        var rightKeyFromNeighbour = await SendAsync(AdminRoute, neighbour, fixture.AdminKey);

        // Each replica alone would allow Limit failures; counted together, each lets at most one more past before it learns.
        var unauthorized = guesses.Count(response => response.StatusCode == HttpStatusCode.Unauthorized);
        Assert.InRange(unauthorized, Limit, Limit + ReplicatedApiFixture.Replicas - 1);
        var throttled = guesses.Where(response => response.StatusCode != HttpStatusCode.Unauthorized).ToArray();
        Assert.All(throttled, response => Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode));
        Assert.All(throttled, response => Assert.InRange(response.Headers.RetryAfter!.Delta!.Value,
            TimeSpan.FromSeconds(1), ReplicatedApiFixture.FailedKeyWindow));
        Assert.Equal("application/problem+json", throttled[0].Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, JsonDocument.Parse(await throttled[0].Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.TooManyRequests, rightKeyFromGuesser.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightKeyFromNeighbour.StatusCode);
    }

    [Fact]
    public async Task ProtocolRoutesRefuseAThrottledAddressWithTheProtocolsErrorBody()
    {
        const string guesser = "198.51.100.9";
        // How many get through before the throttle is the test above's; this one is about the refusal's form.
        var guesses = new List<HttpResponseMessage>();
        while (guesses.Count < 4 * Limit && guesses.LastOrDefault()?.StatusCode != HttpStatusCode.TooManyRequests)
        {
            guesses.Add(await SendAsync("/v2/models/sentiment", guesser, ApiKeyClient.NewBootstrapKey()));
        }

        var refused = guesses[^1];
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.All(guesses[..^1], response => Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode));
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Cancellation)).RootElement;
        Assert.Contains("invalid API key", body.GetProperty("error").GetString());
    }

    /// <summary>A GET from <paramref name="client"/> with <paramref name="key"/>, on a new connection so either replica may answer.</summary>
    private async Task<HttpResponseMessage> SendAsync(string path, string client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.ConnectionClose = true;
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.Add("X-API-Key", key);
        var response = await fixture.Api.SendAsync(request, Cancellation);
        await response.Content.LoadIntoBufferAsync(Cancellation);
        return response;
    }
}
