using Aspire.Hosting.ApplicationModel;

namespace Inference.Tests.Deployment;

/// <summary>Run mode with the GPU option: how a container gets the GPUs from each container runtime.</summary>
public sealed class GpuExecutionTests
{
    [Theory]
    [InlineData("docker", "--gpus=all")]
    [InlineData("podman", "--device=nvidia.com/gpu=all")]
    public async Task ContainerGetsEveryGpuFromItsRuntime(string runtime, string expectedArgument)
    {
        var builder = DistributedApplication.CreateBuilder(["--Gpu:Enabled=true", $"--ASPIRE_CONTAINER_RUNTIME={runtime}"]);

        var container = builder.AddContainer("gpu-worker", "example/worker").WithGpuExecution().Resource;

        Assert.Equal([expectedArgument], await RuntimeArgumentsAsync(container));
        Assert.Single(container.Annotations.OfType<NvidiaGpuAnnotation>());
    }

    [Fact]
    public async Task WithoutTheGpuOptionNothingChanges()
    {
        var builder = DistributedApplication.CreateBuilder([]);

        var container = builder.AddContainer("gpu-worker", "example/worker").WithGpuExecution().Resource;

        Assert.Empty(await RuntimeArgumentsAsync(container));
        Assert.Empty(container.Annotations.OfType<NvidiaGpuAnnotation>());
        Assert.Empty(container.Annotations.OfType<EnvironmentCallbackAnnotation>());
    }

    private static async Task<IList<object>> RuntimeArgumentsAsync(IResource resource)
    {
        var arguments = new List<object>();
        foreach (var annotation in resource.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await annotation.Callback(new ContainerRuntimeArgsCallbackContext(arguments));
        }
        return arguments;
    }
}
