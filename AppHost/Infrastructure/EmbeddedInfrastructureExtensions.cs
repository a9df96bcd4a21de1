using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Embedded mode: no Postgres, Redis or container. The API keeps its data in one SQLite file and coordinates in process;
/// the console keeps its sign-in key ring in a folder beside it. For a first run with only the .NET SDK installed.
/// </summary>
public static class EmbeddedInfrastructureExtensions
{
    private const string DatabaseFile = "inference.db";
    private const string KeyRingFolder = "console-keys";

    internal static InferenceInfrastructure AddEmbeddedInfrastructure(this IDistributedApplicationBuilder builder, string reason)
    {
        if (int.TryParse(builder.Configuration["Inference:ApiReplicas"], out var replicas) && replicas > 1)
        {
            throw new DistributedApplicationException(
                "Embedded mode runs one API process (its cache, rate limits and job queue live in that process); " +
                "use --Infrastructure:Mode=local|container|external for replicas.");
        }

        var dataDirectory = Path.GetFullPath(builder.Configuration["Infrastructure:DataDirectory"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "inference", "embedded"));
        Directory.CreateDirectory(dataDirectory);
        builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, _) =>
        {
            startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Infrastructure").LogWarning(
                "Embedded mode ({Reason}): data in {DataFile}; one API process with in-process cache, rate limits and job queue, " +
                "not for production. For Postgres and Redis: --Infrastructure:Mode=local|container|external",
                reason, Path.Combine(dataDirectory, DatabaseFile));
            return Task.CompletedTask;
        });
        return new InferenceInfrastructure(InfrastructureMode.Embedded, Database: null, Redis: null, dataDirectory);
    }

    /// <summary>The API's database and Redis as references (waited for), or in embedded mode its SQLite file.</summary>
    public static IResourceBuilder<ProjectResource> WithInferenceStorage(
        this IResourceBuilder<ProjectResource> api, InferenceInfrastructure infrastructure)
    {
        if (infrastructure is { Database: { } database, Redis: { } redis })
        {
            return api.WithReference(database).WaitFor(database).WithReference(redis).WaitFor(redis);
        }
        return api
            .WithEnvironment("Infrastructure__Mode", "embedded")
            .WithEnvironment($"ConnectionStrings__{InfrastructureExtensions.DatabaseName}",
                $"Data Source={Path.Combine(infrastructure.EmbeddedDataDirectory!, DatabaseFile)}");
    }

    /// <summary>Where the console keeps its Data Protection key ring: Redis (referenced, waited for), or in embedded mode a folder.</summary>
    public static IResourceBuilder<ProjectResource> WithKeyRingStore(
        this IResourceBuilder<ProjectResource> console, InferenceInfrastructure infrastructure) =>
        infrastructure.Redis is { } redis
            ? console.WithReference(redis).WaitFor(redis)
            : console.WithEnvironment("Console__KeyRingDirectory", Path.Combine(infrastructure.EmbeddedDataDirectory!, KeyRingFolder));
}
