namespace AppHost.Publishing;

/// <summary>
/// The optional <c>monitoring</c> profile: Prometheus, built from Debian's package (<c>deploy/prometheus/Dockerfile</c>),
/// scraping every API replica's management port and evaluating <c>alerts.yaml</c>; and Grafana (the official image,
/// Grafana is not packaged for Debian) with the Prometheus data source and the dashboard provisioned from
/// <c>deploy/grafana</c> (first login admin/admin, then Grafana asks for a new password). Neither runs unless
/// <c>COMPOSE_PROFILES</c> names the profile.
/// </summary>
internal static class ComposeMonitoring
{
    public const string Profile = "monitoring";
    public const string PrometheusServiceName = "prometheus";
    public const string GrafanaServiceName = "grafana";

    private const string GrafanaImage = "docker.io/grafana/grafana-oss:11.6.0";

    public static void Add(ComposeFile file, ComposeOptions options, ComposeEnvironmentFile environmentFile)
    {
        var prometheus = new ComposeService
        {
            Image = environmentFile.Optional("PROMETHEUS_IMAGE", "inference-prometheus:latest",
                "Tag for the Prometheus image Compose builds from Debian's package (profile 'monitoring')."),
            Build = new ComposeBuild { Context = "prometheus", Dockerfile = "Dockerfile" },
            Profiles = [Profile],
            Volumes = { new ComposeServiceVolume { Type = "volume", Source = "prometheus-data", Target = "/var/lib/prometheus" } },
            Restart = "unless-stopped",
            Deploy = ComposeFileGenerator.CreateDeploy(PrometheusServiceName, options, replicas: 1, usesGpu: false),
        };
        prometheus.Ports.Add(HostPort(options, PrometheusServiceName, 9090));
        file.Volumes["prometheus-data"] = new ComposeNamedVolume();
        file.Services[PrometheusServiceName] = prometheus;

        var grafana = new ComposeService
        {
            Image = GrafanaImage,
            Profiles = [Profile],
            Volumes =
            {
                new ComposeServiceVolume { Type = "bind", Source = "./grafana/provisioning", Target = "/etc/grafana/provisioning", ReadOnly = true },
                new ComposeServiceVolume { Type = "bind", Source = "./grafana/dashboards", Target = "/var/lib/grafana/dashboards", ReadOnly = true },
            },
            DependsOn = { [PrometheusServiceName] = new ComposeDependency { Condition = ComposeDependency.Started } },
            Restart = "unless-stopped",
            Deploy = ComposeFileGenerator.CreateDeploy(GrafanaServiceName, options, replicas: 1, usesGpu: false),
        };
        grafana.Ports.Add(HostPort(options, GrafanaServiceName, 3000));
        file.Services[GrafanaServiceName] = grafana;
    }

    private static string HostPort(ComposeOptions options, string service, int containerPort) =>
        $"{options.HostPorts.GetValueOrDefault(service, containerPort)}:{containerPort}";
}
