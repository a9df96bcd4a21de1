#pragma warning disable ASPIREPROBES001 // Probes are how the app model states a service's health paths.

using k8s.Models;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// The pieces every workload shares: labels, the container (image, environment from its ConfigMap, secrets mounted as
/// files, resources, a locked-down security context) and the probes from the app model's health paths.
/// </summary>
public static class KubernetesWorkloads
{
    /// <summary>The UID and GID of the .NET images' non-root 'app' user, which the images this repository builds run as.</summary>
    public const long AppUser = 1654;

    public static Dictionary<string, string> Labels(string name) => new()
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/part-of"] = "inference",
    };

    public static Dictionary<string, string> Selector(string name) => new() { ["app.kubernetes.io/name"] = name };

    public static V1ObjectMeta Metadata(string name) => new() { Name = name, Labels = Labels(name) };

    public static string ConfigMapName(string name) => $"{name}-config";

    /// <summary>The service's environment as a ConfigMap: references to secrets (<c>{secret:name}</c>), never values.</summary>
    public static V1ConfigMap ConfigMap(string name, ComposeService service) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = ConfigMapName(name), Labels = Labels(name) },
        // ConfigMap values are taken literally; Compose's $$ escape is not.
        Data = service.Environment
            .Where(variable => !variable.Key.StartsWith("OTEL_EXPORTER_OTLP", StringComparison.Ordinal))
            .ToDictionary(variable => variable.Key, variable => Unescape(variable.Value)),
    };

    /// <summary>A container for the service, with the secrets it refers to mounted read-only at <c>/run/secrets</c>.</summary>
    public static V1Container Container(string name, string image, ComposeService service, ServiceLimits requests, ServiceLimits limits) => new()
    {
        Name = name,
        Image = image,
        // Compose's $$ is also Kubernetes' escape for $ in command and args.
        Command = service.Entrypoint.Count > 0 ? [.. service.Entrypoint] : null,
        Args = service.Command.Count > 0 ? [.. service.Command] : null,
        EnvFrom = service.Environment.Count > 0 ? [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = ConfigMapName(name) } }] : null,
        Resources = new V1ResourceRequirements
        {
            Requests = Quantities(requests),
            Limits = Quantities(limits),
        },
        VolumeMounts = service.Secrets.Count > 0
            ? [new V1VolumeMount { Name = "secrets", MountPath = ComposeSecrets.MountDirectory, ReadOnlyProperty = true }]
            : [],
        SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        },
    };

    /// <summary>The Secret's keys this service refers to, as files named after them.</summary>
    public static V1Volume SecretsVolume(string secretName, IEnumerable<string> keys) => new()
    {
        Name = "secrets",
        Secret = new V1SecretVolumeSource
        {
            SecretName = secretName,
            Items = [.. keys.Select(key => new V1KeyToPath { Key = key, Path = key })],
        },
    };

    public static V1PodSecurityContext NonRootPod(long user) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = user,
        RunAsGroup = user,
        FsGroup = user,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    /// <summary>Startup (the start period), readiness and liveness probes on the paths the app model declares.</summary>
    public static void AddHttpProbes(V1Container container, IResource resource, int port, TimeSpan startPeriod)
    {
        var readiness = resource.Annotations.OfType<EndpointProbeAnnotation>().LastOrDefault(probe => probe.Type == ProbeType.Readiness)
            ?? throw new InvalidOperationException($"'{resource.Name}' declares no readiness probe.");
        var liveness = resource.Annotations.OfType<EndpointProbeAnnotation>().LastOrDefault(probe => probe.Type == ProbeType.Liveness)
            ?? throw new InvalidOperationException($"'{resource.Name}' declares no liveness probe.");
        const int startupPeriodSeconds = 5;
        container.StartupProbe = HttpProbe(liveness.Path, port, startupPeriodSeconds,
            failureThreshold: (int)Math.Ceiling(startPeriod.TotalSeconds / startupPeriodSeconds));
        container.ReadinessProbe = HttpProbe(readiness.Path, port, periodSeconds: 10, failureThreshold: 3);
        container.LivenessProbe = HttpProbe(liveness.Path, port, periodSeconds: 10, failureThreshold: 3);
    }

    /// <summary>A Compose health check (<c>CMD-SHELL</c>) as an exec probe.</summary>
    public static V1Probe ExecProbe(ComposeHealthCheck check) => new()
    {
        Exec = new V1ExecAction { Command = ["sh", "-c", Unescape(check.Test.Last())] },
        PeriodSeconds = 5,
        TimeoutSeconds = 5,
        FailureThreshold = check.Retries ?? 3,
    };

    private static V1Probe HttpProbe(string path, int port, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 5,
        FailureThreshold = failureThreshold,
    };

    private static Dictionary<string, ResourceQuantity> Quantities(ServiceLimits limits) => new()
    {
        ["cpu"] = new ResourceQuantity(limits.Cpus),
        ["memory"] = new ResourceQuantity(limits.Memory),
    };

    /// <summary>Compose text to a literal value: <c>$$</c> is one <c>$</c>.</summary>
    public static string Unescape(string composeText) => composeText.Replace("$$", "$", StringComparison.Ordinal);
}
