using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;

namespace Inference.Tests.EndToEnd;

/// <summary>A key as <c>POST /api/admin/keys</c> returns it.</summary>
public sealed record CreatedKeyDto(Guid Id, string Name, string Prefix, string[] Scopes, DateTimeOffset CreatedAt, string Key);

/// <summary>A key as <c>GET /api/admin/keys</c> lists it.</summary>
public sealed record KeySummaryDto(Guid Id, string Name, string Prefix, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Creating keys and clients that send them.</summary>
public static class ApiKeyClient
{
    /// <summary>A random value for the AppHost's <c>inference-admin-key</c> parameter.</summary>
    public static string NewBootstrapKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>Makes <paramref name="client"/> send <paramref name="key"/> in <c>X-API-Key</c>.</summary>
    public static HttpClient WithKey(HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        return client;
    }

    /// <summary>Makes <paramref name="client"/> send <paramref name="key"/> as a bearer token.</summary>
    public static HttpClient WithBearer(HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static async Task<CreatedKeyDto> CreateAsync(HttpClient admin, string name, params string[] scopes)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/keys", new { name, scopes }, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedKeyDto>(TestContext.Current.CancellationToken))!;
    }
}
