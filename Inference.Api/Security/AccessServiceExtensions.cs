using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Inference.Api.Security;

public static class AccessServiceExtensions
{
    /// <summary>The <c>ApiKey</c> authentication scheme, key validation and the <c>infer</c> and <c>admin</c> policies.</summary>
    public static IHostApplicationBuilder AddApiKeyAccess(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiKeyAuthOptions>().Bind(builder.Configuration.GetSection(ApiKeyAuthOptions.SectionName));
        services.AddMemoryCache();
        services.AddSingleton<ApiKeyValidator>();
        services.AddSingleton<ApiKeyUsage>();
        services.AddHostedService<ApiKeyUsageWriter>();
        services.AddHostedService<OpenAccessWarning>();
        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Infer, policy => policy.AddRequirements(new ScopeRequirement(AccessPolicies.Infer, OptionalWhenKeysNotRequired: true)))
            .AddPolicy(AccessPolicies.Admin, policy => policy.AddRequirements(new ScopeRequirement(AccessPolicies.Admin, OptionalWhenKeysNotRequired: false)));
        return builder;
    }

    /// <summary>
    /// Routes that run models (predictions, jobs): a key with the <c>infer</c> scope when <c>Inference:Auth:RequireApiKey</c>
    /// is on; anonymous callers otherwise.
    /// </summary>
    public static TBuilder RequireInferAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.Infer).WithMetadata(Problem(StatusCodes.Status401Unauthorized));

    /// <summary>Management routes: always a key with the <c>admin</c> scope.</summary>
    public static TBuilder RequireAdminAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.Admin)
            .WithMetadata(Problem(StatusCodes.Status401Unauthorized), Problem(StatusCodes.Status403Forbidden));

    /// <summary>OpenAPI: the route may answer <paramref name="statusCode"/> with ProblemDetails.</summary>
    internal static IProducesResponseTypeMetadata Problem(int statusCode) =>
        new ProducesResponseTypeMetadata(statusCode, typeof(ProblemDetails), ["application/problem+json"]);
}
