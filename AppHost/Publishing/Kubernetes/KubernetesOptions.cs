namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// Choices the app model does not make for Kubernetes, read from the AppHost's <c>Kubernetes</c> configuration section,
/// e.g. <c>--Kubernetes:ExternalHosts:postgres mydb.example.com</c> on the publish command line.
/// </summary>
public sealed class KubernetesOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>The Secret that holds every secret the services mount (only its name is written; never a value).</summary>
    public string SecretName { get; set; } = "inference-secrets";

    /// <summary>The PersistentVolumeClaim the API reads its models from, read-only.</summary>
    public string ModelsClaimName { get; set; } = "inference-models";

    /// <summary>Size requested for the models volume.</summary>
    public string ModelsVolumeSize { get; set; } = "5Gi";

    /// <summary>Size of each StatefulSet's data volume (Postgres, Redis).</summary>
    public string DataVolumeSize { get; set; } = "10Gi";

    /// <summary>The API's replicas: the autoscaler keeps between these, aiming at <see cref="TargetCpuUtilization"/>.</summary>
    public int MinReplicas { get; set; } = 2;

    public int MaxReplicas { get; set; } = 10;

    /// <summary>Average CPU use, in percent of the request, above which the autoscaler adds API replicas.</summary>
    public int TargetCpuUtilization { get; set; } = 70;

    /// <summary>CPU and memory each service is guaranteed; limits come from the Compose options' limits.</summary>
    public Dictionary<string, ServiceLimits> Requests { get; set; } = new()
    {
        ["inference-api"] = new() { Cpus = "1", Memory = "1G" },
    };

    public ServiceLimits DefaultRequests { get; set; } = new() { Cpus = "100m", Memory = "256M" };

    /// <summary>
    /// Infrastructure run elsewhere (a managed database or cache), by service name: instead of a StatefulSet the
    /// manifests get an <c>ExternalName</c> Service of that name pointing at the host, so connection strings stay the same.
    /// </summary>
    public Dictionary<string, string> ExternalHosts { get; set; } = [];

    /// <summary>NVIDIA GPUs each API pod requests in the gpu overlay.</summary>
    public int GpusPerApiPod { get; set; } = 1;
}
