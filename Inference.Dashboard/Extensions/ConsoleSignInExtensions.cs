using Inference.Dashboard.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Inference.Dashboard.Extensions;

/// <summary>
/// Sign-in for the console: people sign in with an API key, which the console checks against the API and keeps in an
/// encrypted, HttpOnly, SameSite=Strict cookie; the console itself holds no key.
/// </summary>
public static class ConsoleSignInExtensions
{
    private const string CookieName = "inference-console";
    private static readonly TimeSpan SignInLifetime = TimeSpan.FromHours(8);

    /// <summary>
    /// Cookie authentication with its key ring (<see cref="ConsoleKeyRingExtensions"/>), the pages' policies, the sign-in
    /// throttle, and what lets interactive components send the signed-in key.
    /// </summary>
    public static IHostApplicationBuilder AddConsoleSignIn(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddConsoleKeyRing();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the console is reached over https (behind a TLS proxy too: forwarded headers are honoured).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = SignInLifetime;
            options.SlidingExpiration = true;
            options.LoginPath = ConsolePaths.SignIn;
            options.LogoutPath = ConsolePaths.SignOut;
            options.AccessDeniedPath = ConsolePaths.AccessDenied;
            options.ReturnUrlParameter = ConsolePaths.ReturnUrlParameter;
            // The key inside a valid cookie may since have been revoked or expired: the API is asked again.
            options.EventsType = typeof(SignedInKeyCookieEvents);
        });
        services.AddMemoryCache();
        services.AddOptions<SignedInKeyCheckOptions>().Bind(builder.Configuration.GetSection(SignInThrottleOptions.SectionName));
        services.AddSingleton<SignedInKeyCheck>();
        services.AddScoped<SignedInKeyCookieEvents>();
        services.AddScoped<AuthenticationStateProvider, SignedInKeyRevalidation>();
        services.AddAuthorizationBuilder().AddConsolePolicies();
        services.AddCascadingAuthenticationState();

        services.AddHttpContextAccessor();
        services.AddSingleton<CircuitServicesAccessor>();
        services.AddScoped<CircuitHandler, CircuitServicesAccessorHandler>();
        services.AddTransient<SignedInKeyHandler>();

        services.AddOptions<SignInThrottleOptions>().Bind(builder.Configuration.GetSection(SignInThrottleOptions.SectionName));
        services.AddSingleton<SignInThrottle>();
        return builder;
    }
}
