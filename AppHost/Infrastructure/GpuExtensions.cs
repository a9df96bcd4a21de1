using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Marks a resource that runs on every NVIDIA GPU of its host; deployment publishers reserve the GPUs for it.</summary>
public sealed class NvidiaGpuAnnotation : IResourceAnnotation;

/// <summary>Puts the API's models on NVIDIA GPUs when the AppHost's <c>Gpu:Enabled</c> option is on (off by default).</summary>
public static class GpuExtensions
{
    public const string EnabledKey = "Gpu:Enabled";
    private const string ExecutionProviderVariable = "Inference__ExecutionProvider";

    /// <summary>
    /// With <c>Gpu:Enabled=true</c> the resource asks ONNX Runtime for the CUDA execution provider and carries
    /// <see cref="NvidiaGpuAnnotation"/>, from which the Compose publisher reserves NVIDIA GPUs. In run mode a
    /// project sees the host's GPUs directly; a container gets them from its runtime: <c>--gpus=all</c> on
    /// Docker, the CDI device <c>nvidia.com/gpu=all</c> on Podman. Off, deployments use the CPU provider and
    /// development runs keep the API's own choice (<c>auto</c>).
    /// </summary>
    public static IResourceBuilder<T> WithGpuExecution<T>(this IResourceBuilder<T> resource) where T : IResourceWithEnvironment
    {
        var builder = resource.ApplicationBuilder;
        if (!builder.Configuration.GetValue<bool>(EnabledKey))
        {
            return builder.ExecutionContext.IsPublishMode
                ? resource.WithEnvironment(ExecutionProviderVariable, "cpu")
                : resource;
        }

        resource.WithAnnotation(new NvidiaGpuAnnotation())
            .WithEnvironment(ExecutionProviderVariable, "cuda");

        if (builder.ExecutionContext.IsRunMode)
        {
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
        }
        return resource;
    }

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
