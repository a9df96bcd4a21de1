using Inference.Dashboard.Security;

namespace Inference.Dashboard.Services;

/// <summary>Who a key belongs to, and the API's key management (<c>/api/admin/keys</c>, admin scope).</summary>
public sealed partial class InferenceApiClient
{
    /// <summary>What the API says about <paramref name="key"/> (sent instead of the signed-in user's); 401 for a bad key.</summary>
    public async Task<CallerIdentity> GetCallerAsync(string key, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Add(SignedInKeyHandler.ApiKeyHeader, key);
        return await SendAsync<CallerIdentity>(request, cancellationToken);
    }

    /// <summary>Every key, revoked ones included, without secrets.</summary>
    public async Task<IReadOnlyList<ApiKeySummary>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/keys");
        return await SendAsync<List<ApiKeySummary>>(request, cancellationToken);
    }

    /// <summary>A new key; its secret is in the answer only.</summary>
    public async Task<CreatedApiKey> CreateKeyAsync(CreateApiKeyRequest key, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/admin/keys") { Content = JsonContent.Create(key) };
        return await SendAsync<CreatedApiKey>(request, cancellationToken);
    }

    /// <summary>A new key with the same name, scopes and rate limit; the old one works until it is revoked.</summary>
    public async Task<CreatedApiKey> RotateKeyAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/keys/{id}/rotate");
        return await SendAsync<CreatedApiKey>(request, cancellationToken);
    }

    public async Task RevokeKeyAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/admin/keys/{id}");
        await SendAsync(request, cancellationToken);
    }
}
