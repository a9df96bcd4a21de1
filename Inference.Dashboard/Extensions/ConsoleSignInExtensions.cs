using Inference.Dashboard.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;

namespace Inference.Dashboard.Extensions;

/// <summary>
/// Sign-in for the console: people sign in with an API key, which the console checks against the API and keeps in an
/// encrypted, HttpOnly, SameSite=Strict cookie; the console itself holds no key.
/// </summary>
public static class ConsoleSignInExtensions
{
    /// <summary>The AppHost's Redis, where the Data Protection key ring lives.</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>A folder for the Data Protection key ring instead of Redis (the AppHost's embedded mode sets it).</summary>
    public const string KeyRingDirectoryKey = "Console:KeyRingDirectory";

    private const string CookieName = "inference-console";
    private const string DataProtectionKeys = "inference-console:data-protection-keys";
    private static readonly TimeSpan SignInLifetime = TimeSpan.FromHours(8);

    /// <summary>
    /// Cookie authentication with the key ring in Redis (sign-ins survive restarts and work on every replica) or, when
    /// <see cref="KeyRingDirectoryKey"/> is set, in a folder; the pages'
    /// policies, the sign-in throttle, and what lets interactive components send the signed-in key.
    /// </summary>
    public static IHostApplicationBuilder AddConsoleSignIn(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var dataProtection = services.AddDataProtection().SetApplicationName("inference-console");
        if (builder.Configuration[KeyRingDirectoryKey] is { Length: > 0 } keyRingDirectory)
        {
            // Embedded mode: one console process and no Redis; the ring lives beside the API's database file.
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keyRingDirectory));
        }
        else
        {
            builder.AddRedisClient(RedisConnectionName);
            services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
                options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeys));
        }

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
        });
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
