using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Tells the API where its model repositories are.</summary>
public static class ModelRootExtensions
{
    /// <summary>
    /// Passes the repository's <c>models/</c> folder and any extra roots from <c>Inference:ExtraModelRoots</c>
    /// (separated by ';') to the API as <c>Inference:ModelRoots</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithModelRoots(this IResourceBuilder<ProjectResource> api)
    {
        var builder = api.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode)
        {
            return api;
        }

        var roots = new List<string> { Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "models")) };
        roots.AddRange((builder.Configuration["Inference:ExtraModelRoots"] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        for (var i = 0; i < roots.Count; i++)
        {
            api.WithEnvironment($"Inference__ModelRoots__{i}", roots[i]);
        }
        return api;
    }
}
