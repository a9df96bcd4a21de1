namespace Aspire.Hosting;

/// <summary>Applies the database schema in deployments: once, before the API starts.</summary>
public static class MigrationBundleExtensions
{
    /// <summary>
    /// Adds a container built from <c>deploy/migrations/Dockerfile</c>: an EF Core migration bundle of
    /// Inference.Api that applies pending migrations to the referenced database and exits. It gets only the
    /// connection string of what it references. Left out of the manifest: Azure Container Apps would keep
    /// restarting a container that exits, so there it runs as a job (docs/deployment.md).
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddMigrationBundle(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddDockerfile(name, contextPath: "..", dockerfilePath: "deploy/migrations/Dockerfile")
            .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
            .ExcludeFromManifest();
}
