using k8s.Models;
using static AppHost.Publishing.Kubernetes.KubernetesWorkloads;

namespace AppHost.Publishing.Kubernetes;

/// <summary>Containers that are not .NET services: the migration Job, Postgres and Redis as StatefulSets or managed hosts.</summary>
public static class KubernetesInfrastructure
{
    /// <summary>
    /// UID the official Postgres and Redis images run their servers as. Kubernetes starts them as that user directly,
    /// so runAsNonRoot holds; the images' entrypoints skip their own switch from root.
    /// </summary>
    public const long InfrastructureUser = 999;

    /// <summary>A container that runs once and exits (the migrations): a Job, retried a few times.</summary>
    public static V1Job Job(string name, ComposeService service, V1Container container, KubernetesOptions options)
    {
        container.SecurityContext.ReadOnlyRootFilesystem = true;
        // The migration bundle unpacks itself into /tmp.
        container.VolumeMounts.Add(new V1VolumeMount { Name = "tmp", MountPath = "/tmp" });
        List<V1Volume> volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }];
        if (service.Secrets.Count > 0)
        {
            volumes.Add(SecretsVolume(options.SecretName, service.Secrets));
        }
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = Metadata(name),
            Spec = new V1JobSpec
            {
                BackoffLimit = 5,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(name) },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "OnFailure",
                        SecurityContext = NonRootPod(AppUser),
                        AutomountServiceAccountToken = false,
                        Containers = [container],
                        Volumes = volumes,
                    },
                },
            },
        };
    }

    /// <summary>Postgres or Redis for a development cluster: one replica with its data on a volume claim, and a headless Service.</summary>
    public static IEnumerable<object> StatefulSet(
        IResource resource, ComposeService service, V1Container container, ComposeEndpoints endpoints, KubernetesOptions options)
    {
        var ports = endpoints.For(resource).ToList();
        container.Ports = [.. ports.Select(port => new V1ContainerPort { Name = port.Name, ContainerPort = port.Port })];
        if (service.Healthcheck is { } check)
        {
            container.ReadinessProbe = ExecProbe(check);
            container.LivenessProbe = ExecProbe(check);
        }
        List<V1Volume> volumes = [];
        if (service.Secrets.Count > 0)
        {
            volumes.Add(SecretsVolume(options.SecretName, service.Secrets));
        }
        var data = service.Volumes.SingleOrDefault(volume => volume.Type == "volume");
        if (data is not null)
        {
            container.VolumeMounts.Add(new V1VolumeMount { Name = "data", MountPath = data.Target });
        }

        yield return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = Metadata(resource.Name),
            Spec = new V1StatefulSetSpec
            {
                ServiceName = resource.Name,
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Selector(resource.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(resource.Name) },
                    Spec = new V1PodSpec
                    {
                        SecurityContext = NonRootPod(InfrastructureUser),
                        AutomountServiceAccountToken = false,
                        Containers = [container],
                        Volumes = volumes,
                    },
                },
                VolumeClaimTemplates = data is null ? null :
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(options.DataVolumeSize) } },
                        },
                    },
                ],
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(resource.Name),
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                Selector = Selector(resource.Name),
                Ports = [.. ports.Select(port => new V1ServicePort { Name = port.Name, Port = port.Port, TargetPort = port.Name })],
            },
        };
    }

    /// <summary>A managed service under the name the connection strings use: DNS answers with the external host.</summary>
    public static V1Service ExternalService(string name, string host, IEnumerable<ComposeEndpoints.Mapping> ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(name),
        Spec = new V1ServiceSpec
        {
            Type = "ExternalName",
            ExternalName = host,
            Ports = [.. ports.Select(port => new V1ServicePort { Name = port.Name, Port = port.Port })],
        },
    };
}
