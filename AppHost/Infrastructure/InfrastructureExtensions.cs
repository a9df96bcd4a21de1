using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Adds the Postgres database and Redis the services depend on, from containers, local binaries or configuration.</summary>
public static class InfrastructureExtensions
{
    public const string DatabaseName = "inferencedb";
    public const string RedisName = "redis";
    private const string ModeKey = "Infrastructure:Mode";

    /// <summary>
    /// Adds <c>postgres</c>/<c>inferencedb</c> and <c>redis</c> the way <c>Infrastructure:Mode</c> says
    /// (<c>auto</c> by default: containers when a runtime is healthy, else local binaries, else embedded, which adds
    /// neither). Publish mode always models containers so deployment artefacts describe them.
    /// </summary>
    public static InferenceInfrastructure AddInferenceInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var (mode, reason) = ChooseMode(builder);
        if (mode == InfrastructureMode.Embedded)
        {
            return builder.AddEmbeddedInfrastructure(reason);
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, _) =>
        {
            startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Infrastructure")
                .LogInformation("Postgres and Redis: {Mode} mode ({Reason})", mode.ToString().ToLowerInvariant(), reason);
            return Task.CompletedTask;
        });

        var (database, redis) = mode switch
        {
            InfrastructureMode.Container => builder.AddInfrastructureContainers(),
            InfrastructureMode.Local => builder.AddLocalInfrastructure(),
            _ => (builder.AddConnectionString(DatabaseName), builder.AddConnectionString(RedisName)),
        };
        return new InferenceInfrastructure(mode, database, redis, EmbeddedDataDirectory: null);
    }

    private static (InfrastructureMode Mode, string Reason) ChooseMode(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return (InfrastructureMode.Container, "publish mode always describes containers");
        }

        var configured = builder.Configuration[ModeKey] ?? "auto";
        if (!Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var mode))
        {
            throw new DistributedApplicationException(
                $"{ModeKey} is '{configured}'; expected one of auto, container, local, external, embedded.");
        }

        if (mode != InfrastructureMode.Auto)
        {
            return (mode, $"{ModeKey}={configured}");
        }

        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        var problem = ContainerRuntimeProbe.FindProblem(runtime);
        if (problem is null)
        {
            return (InfrastructureMode.Container, $"container runtime '{runtime}' is healthy");
        }

        var missing = LocalBinaries.FindMissing();
        if (missing is not null)
        {
            return (InfrastructureMode.Embedded, $"{problem}, and {missing}");
        }

        return (InfrastructureMode.Local, $"{problem}; using the machine's postgres and redis-server");
    }

    private static (IResourceBuilder<IResourceWithConnectionString>, IResourceBuilder<IResourceWithConnectionString>)
        AddInfrastructureContainers(this IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume();
        var redis = builder.AddRedis(RedisName).WithDataVolume().WithPersistence();
        return (postgres.AddDatabase(DatabaseName), redis);
    }
}
