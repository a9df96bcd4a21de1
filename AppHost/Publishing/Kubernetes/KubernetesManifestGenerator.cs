using k8s.Models;
using static AppHost.Publishing.Kubernetes.KubernetesWorkloads;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// Maps the app model to Kubernetes objects, through the same service definitions as the Compose file (environment,
/// references, secrets as files), so the two deployments cannot drift: .NET projects become Deployments with Services,
/// the API with an autoscaler and a disruption budget; a container that runs once becomes a Job; Postgres and Redis
/// become StatefulSets for development clusters, or <c>ExternalName</c> Services for managed ones.
/// </summary>
public static class KubernetesManifestGenerator
{
    private const string Api = "inference-api";

    public static KubernetesManifests Generate(DistributedApplicationModel model, ComposeDeployment compose, ComposeOptions composeOptions, KubernetesOptions options)
    {
        var manifests = new KubernetesManifests();
        var endpoints = ComposeEndpoints.Create(model.Resources.Where(resource => resource is ContainerResource or ProjectResource));
        foreach (var resource in model.Resources.Where(resource => resource is ContainerResource or ProjectResource))
        {
            var service = compose.File.Services[resource.Name];
            var limits = composeOptions.Limits.GetValueOrDefault(resource.Name, composeOptions.DefaultLimits);
            var requests = options.Requests.GetValueOrDefault(resource.Name, options.DefaultRequests);
            var objects = manifests.Base[resource.Name] = [];
            if (resource is ContainerResource && options.ExternalHosts.TryGetValue(resource.Name, out var host))
            {
                objects.Add(KubernetesInfrastructure.ExternalService(resource.Name, host, endpoints.For(resource)));
                continue;
            }
            if (service.Environment.Count > 0)
            {
                objects.Add(ConfigMap(resource.Name, service));
            }

            var image = ImageOf(resource, service, gpu: false);
            var container = Container(resource.Name, image, service, requests, limits);
            if (resource is ProjectResource)
            {
                objects.AddRange(ProjectWorkload(resource, service, container, endpoints, composeOptions, options));
            }
            else if (service.Restart == "no")
            {
                objects.Add(KubernetesInfrastructure.Job(resource.Name, service, container, options));
            }
            else
            {
                objects.AddRange(KubernetesInfrastructure.StatefulSet(resource, service, container, endpoints, options));
            }
        }
        manifests.Base["models-volume"] = [ModelsClaim(options)];

        foreach (var resource in model.Resources.Where(resource => resource.Annotations.OfType<NvidiaGpuAnnotation>().Any()))
        {
            var gpu = resource.Annotations.OfType<NvidiaGpuAnnotation>().Last();
            manifests.GpuPatches[resource.Name] = KubernetesGpuOverlay.Patch(resource, gpu,
                ImageOf(resource, compose.File.Services[resource.Name], gpu: true), composeOptions, options);
        }
        return manifests;
    }

    /// <summary>The image name without Compose's variable: kustomize's <c>images:</c> renames or prefixes it with a registry.</summary>
    public static string ImageOf(IResource resource, ComposeService service, bool gpu) =>
        resource is ProjectResource || resource.HasAnnotationOfType<BuiltImageAnnotation>()
            ? $"{resource.Name}:{(gpu ? "latest-cuda" : "latest")}"
            : service.Image ?? throw new InvalidOperationException($"'{resource.Name}' has no image.");

    private static IEnumerable<object> ProjectWorkload(
        IResource resource, ComposeService service, V1Container container, ComposeEndpoints endpoints, ComposeOptions composeOptions, KubernetesOptions options)
    {
        var ports = endpoints.For(resource).ToList();
        container.Ports = [.. ports.Select(port => new V1ContainerPort { Name = port.Name, ContainerPort = port.Port })];
        AddHttpProbes(container, resource, ports.Single(port => port.Name == "http").Port, composeOptions.StartPeriod);
        container.SecurityContext.ReadOnlyRootFilesystem = true;
        // The root file system is read-only; .NET and ONNX Runtime need a writable temporary folder.
        container.VolumeMounts.Add(new V1VolumeMount { Name = "tmp", MountPath = "/tmp" });
        List<V1Volume> volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }];
        if (service.Secrets.Count > 0)
        {
            volumes.Add(SecretsVolume(options.SecretName, service.Secrets));
        }
        foreach (var mount in service.Volumes.Where(volume => volume.Target == ModelRootExtensions.ContainerModelRoot))
        {
            container.VolumeMounts.Add(new V1VolumeMount { Name = "models", MountPath = mount.Target, ReadOnlyProperty = true });
            volumes.Add(new V1Volume
            {
                Name = "models",
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = options.ModelsClaimName, ReadOnlyProperty = true },
            });
        }

        var autoscaled = resource.Name == Api;
        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(resource.Name),
            Spec = new V1DeploymentSpec
            {
                Replicas = autoscaled ? options.MinReplicas : 1,
                Selector = new V1LabelSelector { MatchLabels = Selector(resource.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(resource.Name) },
                    Spec = new V1PodSpec
                    {
                        SecurityContext = NonRootPod(AppUser),
                        AutomountServiceAccountToken = false,
                        Containers = [container],
                        Volumes = volumes,
                    },
                },
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(resource.Name),
            Spec = new V1ServiceSpec
            {
                Selector = Selector(resource.Name),
                Ports = [.. ports.Select(port => new V1ServicePort
                {
                    Name = port.Name,
                    Port = port.Port,
                    TargetPort = port.Name,
                    // gRPC is cleartext HTTP/2 inside the cluster; ingress controllers read this to speak it.
                    AppProtocol = port.Name == "grpc" ? "kubernetes.io/h2c" : "http",
                })],
            },
        };
        if (autoscaled)
        {
            yield return Autoscaler(resource.Name, options);
            yield return new V1PodDisruptionBudget
            {
                ApiVersion = "policy/v1",
                Kind = "PodDisruptionBudget",
                Metadata = Metadata(resource.Name),
                Spec = new V1PodDisruptionBudgetSpec
                {
                    MinAvailable = 1,
                    Selector = new V1LabelSelector { MatchLabels = Selector(resource.Name) },
                },
            };
        }
    }

    private static V2HorizontalPodAutoscaler Autoscaler(string name, KubernetesOptions options) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Metadata(name),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
            MinReplicas = options.MinReplicas,
            MaxReplicas = options.MaxReplicas,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = options.TargetCpuUtilization },
                    },
                },
            ],
        },
    };

    private static V1PersistentVolumeClaim ModelsClaim(KubernetesOptions options) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = Metadata(options.ModelsClaimName),
        Spec = new V1PersistentVolumeClaimSpec
        {
            // Every API replica reads the same models; they are copied in once (docs/kubernetes.md).
            AccessModes = ["ReadOnlyMany"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(options.ModelsVolumeSize) } },
        },
    };
}

/// <summary>The generated objects: the base by file name (without <c>.yaml</c>), and the gpu overlay's patches.</summary>
public sealed class KubernetesManifests
{
    public Dictionary<string, List<object>> Base { get; } = [];

    public Dictionary<string, V1Deployment> GpuPatches { get; } = [];
}
