using System.Globalization;
using Inference.Api.Monitoring;
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
        services.AddOptions<FailedKeyThrottleOptions>().Bind(builder.Configuration.GetSection(FailedKeyThrottleOptions.SectionName))
            .Validate(options => options.FailuresPerWindow > 0 && options.Window > TimeSpan.Zero,
                $"{FailedKeyThrottleOptions.SectionName}: FailuresPerWindow and Window must be positive.")
            .ValidateOnStart();
        services.AddSingleton<FailedKeyThrottle>();
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
    /// Refuses (429, with <c>Retry-After</c>) every request that carries a key from a client address that has sent too many
    /// invalid ones (<see cref="FailedKeyThrottle"/>), before the key is checked. Goes before authentication.
    /// </summary>
    public static WebApplication UseFailedKeyThrottle(this WebApplication app)
    {
        var throttle = app.Services.GetRequiredService<FailedKeyThrottle>();
        var telemetry = app.Services.GetRequiredService<PlatformTelemetry>();
        app.Use(async (context, next) =>
        {
            if (!ApiKeyAuthenticationHandler.HasCredentials(context.Request, out _)
                || !throttle.IsThrottled(context.Connection.RemoteIpAddress, out var retryAfter))
            {
                await next(context);
                return;
            }
            telemetry.RecordAuthenticationFailure("throttled");
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await AccessErrorResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"Too many requests from this address carried an invalid API key; retry in {seconds} s.");
        });
        return app;
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
