using System.Security.Claims;
using Inference.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Inference.Api.Apis;

/// <summary>
/// Who the caller is: the key's id, name and scopes, or an anonymous caller (possible only while keys are not required);
/// <see cref="KeysRequired"/> says whether the API runs in open mode, so clients such as the admin console can say so.
/// </summary>
public sealed record CallerIdentity(bool KeysRequired, bool Anonymous, string? KeyId, string? Name, IReadOnlyList<string> Scopes);

/// <summary><c>GET /api/me</c>: lets a client check a key before it keeps it (the admin console's sign-in does).</summary>
public static class CallerApi
{
    public static IEndpointRouteBuilder MapCallerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/me", GetCaller).WithTags("Caller").RequireInferAccess()
            .WithName("GetCaller")
            .WithSummary("The caller's key: id, name and scopes")
            .WithDescription("401 for a key that is unknown, revoked or expired. Without a key it answers only while keys are not required " +
                             "(open mode), as an anonymous caller with no scopes; 'keysRequired' says which mode the API runs in.");
        return app;
    }

    public static Ok<CallerIdentity> GetCaller(ClaimsPrincipal user, IOptions<ApiKeyAuthOptions> options)
    {
        var caller = ApiCaller.From(user);
        var keysRequired = options.Value.RequireApiKey;
        return TypedResults.Ok(caller.IsAnonymous
            ? new CallerIdentity(keysRequired, Anonymous: true, KeyId: null, Name: null, Scopes: [])
            : new CallerIdentity(keysRequired, Anonymous: false, caller.KeyId, caller.Name,
                [.. user.FindAll(ApiKeyClaims.Scope).Select(claim => claim.Value)]));
    }
}
