using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Tells the API where its model repositories are.</summary>
public static class ModelRootExtensions
{
    /// <summary>Where a deployed API container finds its models.</summary>
    public const string ContainerModelRoot = "/models";

    /// <summary>
    /// Run mode: passes the repository's <c>models/</c> folder and any extra roots from <c>Inference:ExtraModelRoots</c>
    /// (separated by ';') to the API as <c>Inference:ModelRoots</c>. Publish mode: the repository's <c>models/</c>
    /// folder is mounted read-only at <see cref="ContainerModelRoot"/>, the API's only root.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithModelRoots(this IResourceBuilder<ProjectResource> api)
    {
        var builder = api.ApplicationBuilder;
        var repositoryModels = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "models"));
        if (builder.ExecutionContext.IsPublishMode)
        {
            // Models are data, not part of the image: replacing one is a file copy and a restart, not a rebuild.
            return api.WithAnnotation(new ContainerMountAnnotation(repositoryModels, ContainerModelRoot, ContainerMountType.BindMount, isReadOnly: true))
                .WithEnvironment("Inference__ModelRoots__0", ContainerModelRoot);
        }

        var roots = new List<string> { repositoryModels };
        roots.AddRange((builder.Configuration["Inference:ExtraModelRoots"] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        for (var i = 0; i < roots.Count; i++)
        {
            api.WithEnvironment($"Inference__ModelRoots__{i}", roots[i]);
        }
        return api;
    }
}
