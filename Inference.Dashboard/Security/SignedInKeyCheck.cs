using System.Net;
using System.Security.Cryptography;
using System.Text;
using Inference.Dashboard.Services;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Inference.Dashboard.Security;

/// <summary>What the API said about a signed-in key when last asked.</summary>
public enum SignedInKeyStatus
{
    /// <summary>The API accepts the key.</summary>
    Accepted,

    /// <summary>The API refuses the key (401): revoked, expired or unknown. Its session ends.</summary>
    Rejected,

    /// <summary>The API could not be asked (unreachable, busy): the session goes on, and the next request asks again.</summary>
    Unknown,
}

/// <summary>
/// Asks the API (<c>GET /api/me</c>) whether a signed-in key is still accepted, at most once per
/// <see cref="SignedInKeyCheckOptions.RecheckInterval"/> per key, so that a revoked or expired key's session ends within
/// that interval however the console is used. Answers are cached under the key's hash, never the key.
/// </summary>
public sealed class SignedInKeyCheck(IServiceScopeFactory scopes, IMemoryCache cache, IOptions<SignedInKeyCheckOptions> options)
{
    public async Task<SignedInKeyStatus> CheckAsync(string key, CancellationToken cancellationToken)
    {
        var cacheKey = "signed-in-key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (cache.TryGetValue(cacheKey, out SignedInKeyStatus known))
        {
            return known;
        }

        SignedInKeyStatus status;
        try
        {
            // The typed client is scoped to a request or circuit; this check runs for both, and on the circuit's timer.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<InferenceApiClient>().GetCallerAsync(key, cancellationToken);
            status = SignedInKeyStatus.Accepted;
        }
        catch (InferenceApiException exception) when (exception.StatusCode == HttpStatusCode.Unauthorized)
        {
            status = SignedInKeyStatus.Rejected;
        }
        catch (Exception exception) when (exception is InferenceApiException or ObjectDisposedException)
        {
            // A moment without the API (or a circuit's check as the console shuts down) signs nobody out; not cached, so
            // the next request asks again.
            return SignedInKeyStatus.Unknown;
        }
        cache.Set(cacheKey, status, options.Value.RecheckInterval);
        return status;
    }
}

/// <summary>The <c>Console:SignIn</c> section: how often a signed-in key is checked with the API again.</summary>
public sealed class SignedInKeyCheckOptions
{
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
