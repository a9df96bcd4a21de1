using System.Net;
using System.Security.Claims;
using Inference.Dashboard.Services;

namespace Inference.Dashboard.Security;

/// <summary>
/// What the sign-in cookie carries, as claims of the signed-in key. The cookie is encrypted with the Data Protection key
/// ring, so the key travels only inside it; the claims never leave the server (interactive components run there).
/// </summary>
public static class ConsoleClaims
{
    /// <summary>The key itself, sent to the API on the user's behalf.</summary>
    public const string ApiKey = "api_key";

    /// <summary>The key's id as the API names it (<c>bootstrap</c> for the bootstrap admin key).</summary>
    public const string KeyId = "key_id";

    /// <summary>One claim per scope the key carries (<c>infer</c>, <c>admin</c>).</summary>
    public const string Scope = "scope";

    /// <summary>"false" when the API accepted callers without a key at sign-in (open mode).</summary>
    public const string KeysRequired = "keys_required";

    /// <summary>
    /// The browser's address on the request that carried the cookie; set on every request, never stored in the cookie.
    /// The API is told it, so its failed-key budget and logs see the person rather than the console.
    /// </summary>
    public const string ClientAddress = "client_address";

    public const string AuthenticationType = "ApiKey";

    /// <summary>The signed-in user: the key the API checked, and what the API said about it.</summary>
    public static ClaimsPrincipal Principal(string key, CallerIdentity caller)
    {
        var claims = new List<Claim>
        {
            new(ApiKey, key),
            new(KeyId, caller.KeyId ?? ""),
            new(ClaimTypes.Name, caller.Name ?? caller.KeyId ?? ""),
            new(KeysRequired, caller.KeysRequired ? "true" : "false"),
        };
        claims.AddRange(caller.Scopes.Select(scope => new Claim(Scope, scope)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, roleType: null));
    }

    /// <summary>The same user, seen from <paramref name="address"/>.</summary>
    public static ClaimsPrincipal WithClientAddress(ClaimsPrincipal user, IPAddress? address)
    {
        var identity = new ClaimsIdentity(user.Claims.Where(claim => claim.Type != ClientAddress), AuthenticationType, ClaimTypes.Name, roleType: null);
        if (address is not null)
        {
            identity.AddClaim(new Claim(ClientAddress, address.ToString()));
        }
        return new ClaimsPrincipal(identity);
    }

    public static string? ClientAddressOf(ClaimsPrincipal? user) => user?.FindFirst(ClientAddress)?.Value;

    /// <summary>The signed-in key, or null for an anonymous user.</summary>
    public static string? KeyOf(ClaimsPrincipal? user) => user?.FindFirst(ApiKey)?.Value is { Length: > 0 } key ? key : null;

    public static bool IsAdmin(ClaimsPrincipal user) => user.HasClaim(Scope, ConsolePolicies.Admin);

    /// <summary>Whether the API ran in open mode (keys not required) when this user signed in.</summary>
    public static bool IsOpenMode(ClaimsPrincipal user) => user.FindFirst(KeysRequired)?.Value == "false";
}
