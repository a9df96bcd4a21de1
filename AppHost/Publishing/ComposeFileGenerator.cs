using System.Globalization;
using System.Reflection;

namespace AppHost.Publishing;

/// <summary>
/// Maps the app model to a Docker Compose file and its <c>.env.example</c>: every container and project becomes
/// a service; references become connection strings on the Compose network; parameters become variables of
/// the <c>.env</c> file; waits become <c>depends_on</c> conditions. Kept apart from the rest of the AppHost so
/// that Aspire.Hosting.Docker can replace it where that package can be restored.
/// </summary>
public static class ComposeFileGenerator
{
    public static async Task<ComposeDeployment> GenerateAsync(
        DistributedApplicationModel model,
        DistributedApplicationExecutionContext executionContext,
        ComposeOptions options,
        CancellationToken cancellationToken = default,
        bool fixedProxyAddresses = true)
    {
        if (!Path.IsPathFullyQualified(options.OutputDirectory))
        {
            throw new ArgumentException("Set ComposeOptions.OutputDirectory to the absolute folder the file is written to.", nameof(options));
        }

        var resources = model.Resources.Where(resource => resource is ContainerResource or ProjectResource).ToList();
        var environmentFile = new ComposeEnvironmentFile();
        environmentFile.ForCompose("COMPOSE_PROJECT_NAME", options.ProjectName, "Prefixes the containers, networks and volumes Compose creates.");
        var endpoints = ComposeEndpoints.Create(resources);
        var generation = new Generation(model, executionContext, options, endpoints,
            new ComposeValueResolver(endpoints, environmentFile), environmentFile, new ComposeFile());

        var services = new Dictionary<IResource, ComposeService>();
        foreach (var resource in resources)
        {
            services[resource] = generation.File.Services[resource.Name] = await CreateServiceAsync(resource, generation, cancellationToken);
        }

        // After every service exists, so a condition can depend on the target's health check.
        foreach (var (resource, service) in services)
        {
            AddDependencies(resource, service, services);
        }

        // Kubernetes, which maps these services too, has no fixed pod addresses: there the trusted networks are configured.
        if (fixedProxyAddresses)
        {
            ComposeTrustedProxies.Apply(resources, generation.File, environmentFile);
        }

        if (options.AspireDashboard)
        {
            generation.File.Services[ComposeOptions.AspireDashboardServiceName] = CreateAspireDashboard(options, environmentFile);
        }
        if (options.Monitoring)
        {
            ComposeMonitoring.Add(generation.File, options, environmentFile);
        }

        var gpuOverride = ComposeGpuOverride.Create(resources, endpoints, options, environmentFile);
        return new ComposeDeployment(generation.File, gpuOverride, environmentFile);
    }

    /// <summary>What every step of one generation shares.</summary>
    private sealed record Generation(
        DistributedApplicationModel Model,
        DistributedApplicationExecutionContext ExecutionContext,
        ComposeOptions Options,
        ComposeEndpoints Endpoints,
        ComposeValueResolver Resolver,
        ComposeEnvironmentFile EnvironmentFile,
        ComposeFile File);

    private static async Task<ComposeService> CreateServiceAsync(IResource resource, Generation generation, CancellationToken cancellationToken)
    {
        var (model, executionContext, options, endpoints, resolver, environmentFile, file) = generation;
        var service = new ComposeService { Image = ImageOf(resource, usesGpu: false, environmentFile) };

        if (resource is ContainerResource { Entrypoint: { } entrypoint })
        {
            service.Entrypoint.Add(ComposeValueResolver.EscapeLiteral(entrypoint));
        }
        foreach (var argument in await EvaluateArgumentsAsync(resource, executionContext, cancellationToken))
        {
            service.Command.Add(await resolver.ResolveAsync(argument, cancellationToken)
                ?? throw new InvalidOperationException($"An argument of '{resource.Name}' refers to an endpoint Compose does not publish."));
        }

        foreach (var (name, value) in await EvaluateEnvironmentAsync(resource, executionContext, cancellationToken))
        {
            // Null: the variable points at an HTTPS endpoint, which Compose does not publish.
            if (await resolver.ResolveAsync(value, cancellationToken) is { } text)
            {
                service.Environment[name] = text;
            }
        }
        if (resource is ProjectResource)
        {
            service.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = environmentFile.OffByDefault("OTEL_EXPORTER_OTLP_ENDPOINT",
                $"http://{ComposeOptions.AspireDashboardServiceName}:{AspireDashboardOtlpPort}",
                $"Telemetry over OTLP (gRPC); with COMPOSE_PROFILES={ComposeOptions.ObservabilityProfile} this is the Aspire dashboard.");
            service.Environment["OTEL_SERVICE_NAME"] = resource.Name;
        }

        ComposeSecrets.Apply(resource, service, file);

        var replicas = options.Replicas.GetValueOrDefault(resource.Name, 1);
        AddPorts(resource, service, endpoints, options, replicas);
        AddVolumes(resource, service, options, environmentFile, file);
        service.Healthcheck = ComposeHealthChecks.For(resource, endpoints, options.StartPeriod);
        service.Restart = RunsOnce(resource, model) ? "no" : "unless-stopped";
        service.Deploy = CreateDeploy(resource.Name, options, replicas, usesGpu: false);
        return service;
    }

    /// <summary>The image of a service: the one the app model names, or for images this repository builds a variable with its tag.</summary>
    internal static string? ImageOf(IResource resource, bool usesGpu, ComposeEnvironmentFile environmentFile)
    {
        if (resource is ProjectResource || resource.HasAnnotationOfType<BuiltImageAnnotation>())
        {
            // Built by deploy/images/build.sh, named after the service; the CUDA variant of an image is tagged -cuda.
            var variable = ComposeEnvironmentFile.VariableName(resource.Name, usesGpu ? "cuda" : null, "image");
            var tag = usesGpu ? "latest-cuda" : "latest";
            return environmentFile.Optional(variable, $"{resource.Name}:{tag}",
                $"The '{resource.Name}' image{(usesGpu ? " for NVIDIA GPUs" : string.Empty)} (deploy/images/build.sh builds it); prefix a registry to pull it from one.");
        }
        return resource.TryGetContainerImageName(out var image) ? ComposeValueResolver.EscapeLiteral(image) : null;
    }

    private static void AddPorts(IResource resource, ComposeService service, ComposeEndpoints endpoints, ComposeOptions options, int replicas)
    {
        foreach (var endpoint in endpoints.For(resource))
        {
            var port = endpoint.Port.ToString(CultureInfo.InvariantCulture);
            if (!endpoint.IsExternal)
            {
                service.Expose.Add(port);
            }
            else if (options.HostPortFor(resource.Name, endpoint.Name) is { } hostPort)
            {
                // Each replica binds one port of the range.
                service.Ports.Add(replicas > 1 ? $"{hostPort}-{hostPort + replicas - 1}:{port}" : $"{hostPort}:{port}");
            }
            else
            {
                service.Ports.Add(port);
            }
        }
    }

    private static void AddVolumes(IResource resource, ComposeService service, ComposeOptions options, ComposeEnvironmentFile environmentFile, ComposeFile file)
    {
        foreach (var mount in resource.Annotations.OfType<ContainerMountAnnotation>())
        {
            if (mount.Type == ContainerMountType.BindMount)
            {
                var variable = ComposeEnvironmentFile.VariableName(resource.Name, Path.GetFileName(mount.Target.TrimEnd('/')), "path");
                var source = environmentFile.Optional(variable, RelativeTo(options.OutputDirectory, mount.Source!),
                    $"Host folder mounted at {mount.Target} in '{resource.Name}'{(mount.IsReadOnly ? " (read-only)" : string.Empty)}; relative to this folder.");
                service.Volumes.Add(new ComposeServiceVolume { Type = "bind", Source = source, Target = mount.Target, ReadOnly = mount.IsReadOnly ? true : null });
            }
            else
            {
                var name = mount.Source ?? throw new NotSupportedException($"'{resource.Name}' has an anonymous volume; name it so its data survives.");
                file.Volumes[name] = new ComposeNamedVolume();
                service.Volumes.Add(new ComposeServiceVolume { Type = "volume", Source = name, Target = mount.Target, ReadOnly = mount.IsReadOnly ? true : null });
            }
        }
    }

    internal static ComposeDeploy CreateDeploy(string name, ComposeOptions options, int replicas, bool usesGpu)
    {
        var limits = options.Limits.GetValueOrDefault(name, options.DefaultLimits);
        return new ComposeDeploy
        {
            Replicas = options.Replicas.ContainsKey(name) ? replicas : null,
            Resources = new ComposeResources
            {
                Limits = new ComposeResourceSpec { Cpus = limits.Cpus, Memory = limits.Memory },
                Reservations = usesGpu
                    ? new ComposeResourceSpec { Devices = [new ComposeDeviceRequest { Driver = "nvidia", Count = "all", Capabilities = ["gpu"] }] }
                    : null,
            },
        };
    }

    private static void AddDependencies(IResource resource, ComposeService service, Dictionary<IResource, ComposeService> services)
    {
        foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
        {
            var target = ServiceResource(wait.Resource);
            if (target is null || !services.TryGetValue(target, out var targetService))
            {
                continue;
            }
            var condition = wait.WaitType == WaitType.WaitForCompletion ? ComposeDependency.CompletedSuccessfully
                : targetService.Healthcheck is not null ? ComposeDependency.Healthy
                : ComposeDependency.Started;
            service.DependsOn[target.Name] = new ComposeDependency { Condition = condition };
        }
    }

    /// <summary>The resource that runs as a service for a wait target: a database waits on its server.</summary>
    private static IResource? ServiceResource(IResource resource)
    {
        for (IResource? current = resource; current is not null; current = (current as IResourceWithParent)?.Parent)
        {
            if (current is ContainerResource or ProjectResource)
            {
                return current;
            }
        }
        return null;
    }

    /// <summary>A resource something waits on to complete runs once, like a migration; Compose must not restart it.</summary>
    private static bool RunsOnce(IResource resource, DistributedApplicationModel model) =>
        model.Resources.Any(other => other.Annotations.OfType<WaitAnnotation>()
            .Any(wait => wait.WaitType == WaitType.WaitForCompletion && wait.Resource == resource));

    private const int AspireDashboardOtlpPort = 18889;

    private static ComposeService CreateAspireDashboard(ComposeOptions options, ComposeEnvironmentFile environmentFile)
    {
        environmentFile.ForCompose("COMPOSE_PROFILES", ComposeOptions.ObservabilityProfile,
            "Optional services to start, comma-separated: 'observability' adds the Aspire dashboard (its login link is in its log), "
            + "'monitoring' Prometheus and Grafana (docs/observability.md).", commentedOut: true);
        // The dashboard release that matches the Aspire packages the AppHost is built with.
        var aspireVersion = typeof(DistributedApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
            .InformationalVersion.Split('.', '+', '-');
        var service = new ComposeService
        {
            Image = $"mcr.microsoft.com/dotnet/aspire-dashboard:{aspireVersion[0]}.{aspireVersion[1]}",
            Profiles = [ComposeOptions.ObservabilityProfile],
            Expose = [AspireDashboardOtlpPort.ToString(CultureInfo.InvariantCulture)],
            Restart = "unless-stopped",
            Deploy = CreateDeploy(ComposeOptions.AspireDashboardServiceName, options, replicas: 1, usesGpu: false),
        };
        service.Ports.Add(options.HostPorts.TryGetValue(ComposeOptions.AspireDashboardServiceName, out var hostPort)
            ? $"{hostPort}:18888"
            : "18888");
        return service;
    }

    private static async Task<Dictionary<string, object>> EvaluateEnvironmentAsync(
        IResource resource, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var context = new EnvironmentCallbackContext(executionContext, resource, [], cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables;
    }

    private static async Task<IList<object>> EvaluateArgumentsAsync(
        IResource resource, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var context = new CommandLineArgsCallbackContext([], resource, cancellationToken) { ExecutionContext = executionContext };
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.Args;
    }

    private static string RelativeTo(string directory, string path) =>
        Path.GetRelativePath(directory, path).Replace('\\', '/');
}

/// <summary>A generated Compose file and the variables its <c>.env</c> file provides.</summary>
public sealed record ComposeDeployment(ComposeFile File, ComposeFile GpuOverride, ComposeEnvironmentFile Environment)
{
    public const string ComposeFileName = "docker-compose.yaml";
    public const string GpuOverrideFileName = "docker-compose.gpu.yaml";
    public const string EnvironmentExampleFileName = ".env.example";

    private const string Regenerate = "dotnet run --project AppHost -- --publisher compose --output-path ../deploy";

    public string ToYaml() =>
        $"# Generated from the AppHost's app model; do not edit. Regenerate: {Regenerate}\n" +
        "# Variables come from .env beside this file (copy .env.example). Guide: docs/deployment.md\n" +
        ComposeYaml.Serialize(File);

    /// <summary>The GPU override, used as <c>docker compose -f docker-compose.yaml -f docker-compose.gpu.yaml up</c>.</summary>
    public string GpuOverrideToYaml() =>
        $"# Generated from the AppHost's app model; do not edit. Regenerate: {Regenerate}\n" +
        $"# NVIDIA GPUs: docker compose -f {ComposeFileName} -f {GpuOverrideFileName} up -d (needs the NVIDIA Container Toolkit). Guide: docs/deployment.md\n" +
        ComposeYaml.Serialize(GpuOverride);

    public string ToEnvironmentExample() => Environment.ToText(
        $"Copy to .env beside {ComposeFileName} and fill in the required values; never commit .env.\n" +
        $"Generated with {ComposeFileName}; do not edit. Regenerate: {Regenerate}");
}
