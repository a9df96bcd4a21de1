using Inference.Engine.Execution;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Tests.Engine;

public sealed class ExecutionProviderTests
{
    private static readonly SessionSettings Settings = new(1, GraphOptimizationLevel.ORT_ENABLE_ALL);

    private static bool CudaLibrariesPresent =>
        OperatingSystem.IsLinux() && Directory.Exists("/usr/local/cuda") && File.Exists("/dev/nvidiactl");

    [Fact]
    public void CpuIsUsedWithoutFallbackWhenAskedFor()
    {
        var (session, choice) = ExecutionProviders.CreateSession(TestPaths.Mnist, ExecutionProviders.Cpu, Settings);
        using (session)
        {
            Assert.Equal(new ExecutionProviderChoice("cpu", "cpu", null), choice);
        }
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("directml")]
    [InlineData("auto")]
    public void UnavailableAcceleratorFallsBackToCpuAndSaysWhy(string requested)
    {
        Assert.SkipWhen(CudaLibrariesPresent && requested != "directml", "this machine has CUDA; the GPU path is exercised instead");

        var (session, choice) = ExecutionProviders.CreateSession(TestPaths.Mnist, requested, Settings);
        using (session)
        {
            Assert.Equal(requested, choice.Requested);
            Assert.Equal("cpu", choice.Actual);
            Assert.False(string.IsNullOrWhiteSpace(choice.FallbackReason));
            Assert.Contains(requested == "auto" ? "cuda" : requested, choice.FallbackReason);
        }
    }

    [Fact]
    public void CudaRunsTheModelWhereTheGpuExists()
    {
        Assert.SkipUnless(CudaLibrariesPresent, "no NVIDIA GPU with CUDA libraries on this machine; the CPU fallback is tested instead");

        var (session, choice) = ExecutionProviders.CreateSession(TestPaths.Mnist, ExecutionProviders.Cuda, Settings);
        using (session)
        {
            Assert.Equal("cuda", choice.Actual);
        }
    }

    [Fact]
    public void UnknownProviderIsAConfigurationError()
    {
        Assert.Throws<ArgumentException>(() => ExecutionProviders.CreateSession(TestPaths.Mnist, "tpu", Settings));
    }
}
