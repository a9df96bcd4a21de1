namespace Aspire.Hosting;

/// <summary>Marks a container whose image <c>deploy/images/build.sh</c> builds, like the projects' images.</summary>
public sealed class BuiltImageAnnotation : IResourceAnnotation;

/// <summary>Applies the database schema in deployments: once, before the API starts.</summary>
public static class MigrationBundleExtensions
{
    /// <summary>
    /// Adds the <c>inference-migrations</c> container: an EF Core migration bundle of Inference.Api
    /// (<c>deploy/images/migrations.Dockerfile</c>, built by <c>deploy/images/build.sh</c>) that applies pending
    /// migrations to the referenced database and exits. It gets only the connection string of what it references.
    /// Left out of the manifest: Azure Container Apps would keep restarting a container that exits, so there it runs
    /// as a job (docs/deployment.md).
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddMigrationBundle(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddContainer(name, name, "latest")
            .WithAnnotation(new BuiltImageAnnotation())
            .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
            .ExcludeFromManifest();
}
