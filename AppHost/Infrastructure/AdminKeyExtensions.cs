namespace Aspire.Hosting;

public static class AdminKeyExtensions
{
    /// <summary>
    /// The secret <c>inference-admin-key</c> parameter: the API's bootstrap admin key (it creates the other keys). A local
    /// run generates one when none is configured (the Aspire dashboard shows it under Parameters); deployments must set it.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddAdminKeyParameter(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter("inference-admin-key", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true)
            : builder.AddParameter("inference-admin-key", secret: true);
}
