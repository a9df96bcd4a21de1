using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

public static class AdminKeyExtensions
{
    /// <summary>
    /// The secret <c>inference-admin-key</c> parameter: the API's bootstrap admin key (it creates the other keys). A local
    /// run generates one when none is configured and keeps it in the AppHost's user secrets, so it (and a console sign-in
    /// made with it) survives restarts; the Aspire dashboard shows it under Parameters. Deployments must set it.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddAdminKeyParameter(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter("inference-admin-key", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true)
            : builder.AddParameter("inference-admin-key", secret: true);

    /// <summary>
    /// The secret <c>console-key-ring-secret</c> parameter, which seals the admin console's Data Protection key ring (and so
    /// its sign-in cookies) in Redis. Generated and kept in the AppHost's user secrets on a local run, like the admin key;
    /// deployments must set it, the same for every console replica.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddConsoleKeyRingSecret(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter("console-key-ring-secret", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true)
            : builder.AddParameter("console-key-ring-secret", secret: true);

    /// <summary>
    /// Once the admin console is ready, logs where to sign in and where to find the key: the parameter in the Aspire
    /// dashboard. The key itself is never logged, since console output is often collected.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSignInHint(
        this IResourceBuilder<ProjectResource> console, IResourceBuilder<ParameterResource> adminKey)
    {
        console.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(console.Resource, (readyEvent, _) =>
        {
            var signIn = new Uri(new Uri(console.Resource.GetEndpoint("http").Url), "/signin");
            readyEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AdminConsole").LogInformation(
                "Admin console: sign in at {SignInUrl} with the value of the secret parameter '{Parameter}' (Aspire dashboard, " +
                "Parameters; local runs keep it in the AppHost's user secrets: dotnet user-secrets list --project AppHost)",
                signIn, adminKey.Resource.Name);
            return Task.CompletedTask;
        });
        return console;
    }
}
