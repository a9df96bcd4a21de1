namespace AppHost.Publishing;

/// <summary>
/// Choices the app model does not make for a Compose deployment, read from the AppHost's <c>Compose</c>
/// configuration section, e.g. <c>--Compose:Replicas:inference-api 3</c> on the publish command line.
/// </summary>
public sealed class ComposeOptions
{
    public const string SectionName = "Compose";

    /// <summary>Compose project name (<c>COMPOSE_PROJECT_NAME</c> in <c>.env.example</c>): prefixes containers and volumes.</summary>
    public string ProjectName { get; set; } = "inference";

    /// <summary>
    /// How long failing health checks of a .NET service do not count while it starts; a passing check ends it at
    /// once, so a generous value only delays noticing a start that hangs. Measured: the API answers /health
    /// with 200 1.9-3.2 s after its process starts (Release build, Production settings, 2 CPU cores, Postgres
    /// and Redis up, 3 models of 5 MB in all: sentiment, MobileNetV2 int8, MNIST). 60 s allows models ten
    /// times larger (about 30 s) plus the first CUDA context and cuDNN/cuBLAS load on a GPU (up to about 15 s).
    /// </summary>
    public TimeSpan StartPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Replicas per service; services not listed run one and get no <c>deploy.replicas</c>.</summary>
    public Dictionary<string, int> Replicas { get; set; } = new() { ["inference-api"] = 1 };

    /// <summary>
    /// Host ports for the external <c>http</c> endpoints of services; replicas take consecutive ports from it. A
    /// service not listed gets a port the engine picks.
    /// </summary>
    public Dictionary<string, int> HostPorts { get; set; } = new()
    {
        ["inference-api"] = 5080,
        ["inference-dashboard"] = 5180,
        [AspireDashboardServiceName] = 18888,
        ["prometheus"] = 9090,
        ["grafana"] = 3000,
    };

    /// <summary>
    /// Host ports for a service's other external endpoints, by service and endpoint name (the gRPC endpoint on
    /// Triton's 8001); <see cref="HostPorts"/> is for the endpoint named <c>http</c>.
    /// </summary>
    public Dictionary<string, Dictionary<string, int>> EndpointHostPorts { get; set; } = new()
    {
        ["inference-api"] = new() { ["grpc"] = 8001 },
    };

    /// <summary>The host port of a service's endpoint, or null to let the engine pick one.</summary>
    public int? HostPortFor(string service, string endpoint) =>
        EndpointHostPorts.TryGetValue(service, out var ports) && ports.TryGetValue(endpoint, out var port) ? port
        : endpoint == "http" && HostPorts.TryGetValue(service, out var httpPort) ? httpPort
        : null;

    /// <summary>CPU and memory limits per service; services not listed get <see cref="DefaultLimits"/>.</summary>
    public Dictionary<string, ServiceLimits> Limits { get; set; } = new()
    {
        // ONNX Runtime uses one thread per core and holds every loaded model in memory.
        ["inference-api"] = new() { Cpus = "4", Memory = "4G" },
    };

    public ServiceLimits DefaultLimits { get; set; } = new() { Cpus = "1", Memory = "1G" };

    /// <summary>Adds the Aspire dashboard as an optional service (profile <c>observability</c>) that receives OTLP.</summary>
    public bool AspireDashboard { get; set; } = true;

    /// <summary>Adds Prometheus and Grafana as optional services (profile <c>monitoring</c>, docs/observability.md).</summary>
    public bool Monitoring { get; set; } = true;

    /// <summary>
    /// The folder the Compose file is written to; host paths in it (build contexts, bind mounts) are relative
    /// to this folder so the file works from any clone.
    /// </summary>
    public string OutputDirectory { get; set; } = string.Empty;

    public const string AspireDashboardServiceName = "aspire-dashboard";

    public const string ObservabilityProfile = "observability";
}

/// <summary>CPU and memory limits of one service.</summary>
public sealed class ServiceLimits
{
    public string Cpus { get; set; } = "1";

    public string Memory { get; set; } = "1G";
}
