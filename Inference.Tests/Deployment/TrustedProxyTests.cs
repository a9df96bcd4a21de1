using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Inference.Tests.Deployment;

/// <summary>
/// Behind a reverse proxy, as deployed (forwarded headers on): <c>X-Forwarded-For</c> decides the client's address only
/// when it comes from a configured proxy, so no client can pick the address that rate limits and logs see.
/// </summary>
public sealed class TrustedProxyTests
{
    private const string ClaimedClient = "203.0.113.9";

    [Fact]
    public async Task ForwardedForFromAConfiguredProxyIsTheClientsAddress()
    {
        var seen = await RemoteAddressSeenAsync(new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });

        Assert.Equal(ClaimedClient, seen);
    }

    [Fact]
    public async Task ForwardedForFromAnAddressThatIsNoConfiguredProxyIsIgnored()
    {
        var seen = await RemoteAddressSeenAsync(new() { ["ForwardedHeaders:KnownNetworks:0"] = "10.20.0.0/16" });

        Assert.Equal("127.0.0.1", seen);
    }

    [Fact]
    public async Task WithoutConfiguredProxiesOnlyALocalProxyIsTrusted()
    {
        var seen = await RemoteAddressSeenAsync([]);

        Assert.Equal(ClaimedClient, seen);
    }

    /// <summary>The address a service with the defaults sees for a loopback request that claims <see cref="ClaimedClient"/>.</summary>
    private static async Task<string> RemoteAddressSeenAsync(Dictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // As ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, which Aspire sets for every deployed project.
        builder.Configuration["FORWARDEDHEADERS_ENABLED"] = "true";
        foreach (var (key, value) in configuration)
        {
            builder.Configuration[key] = value;
        }
        builder.AddTrustedProxies();
        await using var app = builder.Build();
        app.MapGet("/address", (HttpContext context) => context.Connection.RemoteIpAddress!.MapToIPv4().ToString());
        await app.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/address");
            request.Headers.Add("X-Forwarded-For", ClaimedClient);
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}
