using Microsoft.AspNetCore.Authorization;

namespace Inference.Dashboard.Security;

/// <summary>
/// Authorization policies of the console's pages. Every page needs a signed-in key; pages that manage the platform
/// (<c>@attribute [Authorize(Policy = ConsolePolicies.Admin)]</c>) need one with the <c>admin</c> scope, as the API's
/// management routes do.
/// </summary>
public static class ConsolePolicies
{
    /// <summary>A key with the <c>admin</c> scope; also the scope's name.</summary>
    public const string Admin = "admin";

    public static AuthorizationBuilder AddConsolePolicies(this AuthorizationBuilder authorization) =>
        authorization.AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().RequireClaim(ConsoleClaims.Scope, Admin));
}
