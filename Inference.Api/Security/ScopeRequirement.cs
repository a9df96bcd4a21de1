using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Inference.Api.Security;

/// <summary>
/// The caller's key has <see cref="Scope"/> (admin implies infer). An optional requirement also passes for callers who
/// present no key while <see cref="ApiKeyAuthOptions.RequireApiKey"/> is off; a key that is presented must be valid.
/// </summary>
public sealed record ScopeRequirement(string Scope, bool OptionalWhenKeysNotRequired) : IAuthorizationRequirement;

public sealed class ScopeRequirementHandler(IOptions<ApiKeyAuthOptions> options) : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var user = context.User;
        if (user.HasClaim(ApiKeyClaims.Scope, requirement.Scope) || user.HasClaim(ApiKeyClaims.Scope, AccessPolicies.Admin))
        {
            context.Succeed(requirement);
        }
        else if (requirement.OptionalWhenKeysNotRequired && !options.Value.RequireApiKey
                 && context.Resource is HttpContext http && !ApiKeyAuthenticationHandler.HasCredentials(http.Request, out _))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
