using k8s.Models;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// The gpu overlay's patch of a workload that can run on NVIDIA GPUs: the CUDA image, the variables that select its
/// GPU code path, <c>nvidia.com/gpu</c> requested, and a startup probe as long as the GPU start period.
/// </summary>
public static class KubernetesGpuOverlay
{
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>A strategic-merge patch: only what differs from the base, matched by the container's name.</summary>
    public static V1Deployment Patch(IResource resource, NvidiaGpuAnnotation gpu, string image,
        ComposeOptions composeOptions, KubernetesOptions options)
    {
        var container = new V1Container
        {
            Name = resource.Name,
            Image = image,
            Env = [.. gpu.Environment.Select(variable => new V1EnvVar { Name = variable.Key, Value = variable.Value })],
            Resources = new V1ResourceRequirements
            {
                // Extended resources are requested through limits; Kubernetes sets the request to the same.
                Limits = new Dictionary<string, ResourceQuantity> { [GpuResource] = new(options.GpusPerApiPod.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            },
        };
        var startup = new V1Container();
        KubernetesWorkloads.AddHttpProbes(startup, resource, ComposeEndpoints.AspNetCoreContainerPort, composeOptions.GpuStartPeriod);
        container.StartupProbe = new V1Probe { FailureThreshold = startup.StartupProbe.FailureThreshold };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = resource.Name },
            Spec = new V1DeploymentSpec
            {
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        Containers = [container],
                        // GPU nodes are usually tainted so that only pods asking for GPUs land there.
                        Tolerations = [new V1Toleration { Key = GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" }],
                    },
                },
            },
        };
    }
}
