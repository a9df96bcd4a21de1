using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Marks a resource that can run on NVIDIA GPUs: deployment publishers write a GPU variant of it (the GPU override of
/// the Compose file, the gpu overlay of the Kubernetes manifests) that reserves the GPUs, runs the CUDA image and sets
/// <see cref="Environment"/>.
/// </summary>
public sealed class NvidiaGpuAnnotation(IReadOnlyDictionary<string, string> environment) : IResourceAnnotation
{
    /// <summary>Variables that switch the resource to its GPU code path, e.g. ONNX Runtime's CUDA provider.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = environment;
}

/// <summary>Puts the API's models on NVIDIA GPUs when the AppHost's <c>Gpu:Enabled</c> option is on (off by default).</summary>
public static class GpuExtensions
{
    public const string EnabledKey = "Gpu:Enabled";
    private const string ExecutionProviderVariable = "Inference__ExecutionProvider";

    /// <summary>
    /// Publish mode: the resource runs on the CPU provider and carries <see cref="NvidiaGpuAnnotation"/>, from which the
    /// publishers write its GPU variant (<c>deploy/docker-compose.gpu.yaml</c>, <c>deploy/k8s/overlays/gpu</c>). Run mode
    /// with <c>Gpu:Enabled=true</c> (off by default): the resource asks ONNX Runtime for the CUDA execution provider; a
    /// project sees the host's GPUs directly; a container gets them from its runtime: <c>--gpus=all</c> on Docker, the CDI
    /// device <c>nvidia.com/gpu=all</c> on Podman. Off, development runs keep the API's own choice (<c>auto</c>).
    /// </summary>
    public static IResourceBuilder<T> WithGpuExecution<T>(this IResourceBuilder<T> resource) where T : IResourceWithEnvironment
    {
        var builder = resource.ApplicationBuilder;
        if (builder.ExecutionContext.IsPublishMode)
        {
            return resource.WithAnnotation(CudaAnnotation())
                .WithEnvironment(ExecutionProviderVariable, "cpu");
        }
        if (!builder.Configuration.GetValue<bool>(EnabledKey))
        {
            return resource;
        }

        resource.WithAnnotation(CudaAnnotation())
            .WithEnvironment(ExecutionProviderVariable, "cuda");

        var gpuArgument = resource.Resource is ContainerResource ? ContainerRuntimeGpuArgument(builder) : null;
        if (gpuArgument is not null)
        {
            resource.WithAnnotation(new ContainerRuntimeArgsCallbackAnnotation(args => args.Add(gpuArgument)));
        }
        builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, _) =>
        {
            startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gpu")
                .LogInformation("GPU: {Resource} uses the CUDA execution provider{How}", resource.Resource.Name,
                    gpuArgument is null ? " with the host's GPUs" : $" ({gpuArgument})");
            return Task.CompletedTask;
        });
        return resource;
    }

    private static NvidiaGpuAnnotation CudaAnnotation() => new(new Dictionary<string, string> { [ExecutionProviderVariable] = "cuda" });

    /// <summary>How the configured container runtime hands every NVIDIA GPU to a container.</summary>
    private static string ContainerRuntimeGpuArgument(IDistributedApplicationBuilder builder)
    {
        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? builder.Configuration["DcpPublisher:ContainerRuntime"] ?? "docker";
        // Podman reaches NVIDIA GPUs through CDI (nvidia-ctk cdi generate); Docker through the NVIDIA runtime hook.
        return string.Equals(runtime, "podman", StringComparison.OrdinalIgnoreCase)
            ? "--device=nvidia.com/gpu=all"
            : "--gpus=all";
    }
}
