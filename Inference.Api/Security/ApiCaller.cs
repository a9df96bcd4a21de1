using System.Security.Claims;

namespace Inference.Api.Security;

/// <summary>
/// Who is calling, from the claims of the <c>ApiKey</c> scheme: a key (its id and name, and whether it is an admin key),
/// or an anonymous caller (possible only where keys are not required, or on the open probes).
/// </summary>
public sealed record ApiCaller(string KeyId, string Name, bool IsAdmin)
{
    public const string AnonymousId = "anonymous";

    public static readonly ApiCaller Anonymous = new(AnonymousId, AnonymousId, IsAdmin: false);

    public bool IsAnonymous => KeyId == AnonymousId;

    /// <summary>
    /// Whose jobs this caller may see: null for every job (admins, and anonymous callers where keys are not required,
    /// as before jobs had owners), otherwise the caller's own key id.
    /// </summary>
    public string? JobOwnerFilter => IsAdmin || IsAnonymous ? null : KeyId;

    public static ApiCaller From(ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyClaims.KeyId) is { } keyId
            ? new ApiCaller(keyId, user.FindFirstValue(ApiKeyClaims.KeyName) ?? keyId, user.HasClaim(ApiKeyClaims.Scope, AccessPolicies.Admin))
            : Anonymous;
}
