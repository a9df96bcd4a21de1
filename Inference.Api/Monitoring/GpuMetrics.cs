using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Inference.Engine.Execution;

namespace Inference.Api.Monitoring;

/// <summary>
/// GPU memory used and total and utilization per device, read from NVIDIA's management library (NVML, which the
/// driver installs) while a model version runs on the CUDA provider. Without one, or without the library, the series
/// are absent rather than zero, so a dashboard shows "no GPU" instead of an idle one.
/// </summary>
public sealed class GpuMetrics
{
    private const string Library = "libnvidia-ml.so.1";
    private const int Success = 0;

    private readonly InferenceTelemetry _telemetry;
    private readonly ILogger<GpuMetrics> _logger;
    private bool? _available;

    public GpuMetrics(IMeterFactory meterFactory, InferenceTelemetry telemetry, ILogger<GpuMetrics> logger)
    {
        (_telemetry, _logger) = (telemetry, logger);
        var meter = meterFactory.Create(InferenceTelemetry.Name);
        meter.CreateObservableGauge("inference.gpu.memory.used", () => Read(device => (long)device.Memory.Used), "By",
            "GPU memory in use, per device (NVML), while a model runs on CUDA.");
        meter.CreateObservableGauge("inference.gpu.memory.total", () => Read(device => (long)device.Memory.Total), "By",
            "GPU memory, per device (NVML), while a model runs on CUDA.");
        meter.CreateObservableGauge("inference.gpu.utilization", () => Read(device => device.Utilization.Gpu / 100.0), "1",
            "Fraction of the last sample period the GPU was busy, per device (NVML), while a model runs on CUDA.");
    }

    private IEnumerable<Measurement<T>> Read<T>(Func<(NvmlMemory Memory, NvmlUtilization Utilization), T> value) where T : struct
    {
        if (!_telemetry.LoadedModels.Any(model => model.Provider.Actual == ExecutionProviders.Cuda) || !Initialized())
        {
            return [];
        }
        var measurements = new List<Measurement<T>>();
        if (NvmlDeviceGetCount(out var count) != Success)
        {
            return measurements;
        }
        for (uint index = 0; index < count; index++)
        {
            if (NvmlDeviceGetHandleByIndex(index, out var device) == Success
                && NvmlDeviceGetMemoryInfo(device, out var memory) == Success
                && NvmlDeviceGetUtilizationRates(device, out var utilization) == Success)
            {
                measurements.Add(new Measurement<T>(value((memory, utilization)), new KeyValuePair<string, object?>("gpu", index.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            }
        }
        return measurements;
    }

    private bool Initialized()
    {
        if (_available is null)
        {
            try
            {
                _available = NvmlInit() == Success;
            }
            catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
            {
                _available = false;
            }
            if (_available == false)
            {
                _logger.LogWarning("A model runs on CUDA but NVML ({Library}) is not available: no GPU metrics", Library);
            }
        }
        return _available.Value;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct NvmlMemory
    {
        public readonly ulong Total;
        public readonly ulong Free;
        public readonly ulong Used;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct NvmlUtilization
    {
        public readonly uint Gpu;
        public readonly uint Memory;
    }

    [DllImport(Library, EntryPoint = "nvmlInit_v2")]
    private static extern int NvmlInit();

    [DllImport(Library, EntryPoint = "nvmlDeviceGetCount_v2")]
    private static extern int NvmlDeviceGetCount(out uint count);

    [DllImport(Library, EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
    private static extern int NvmlDeviceGetHandleByIndex(uint index, out nint device);

    [DllImport(Library, EntryPoint = "nvmlDeviceGetMemoryInfo")]
    private static extern int NvmlDeviceGetMemoryInfo(nint device, out NvmlMemory memory);

    [DllImport(Library, EntryPoint = "nvmlDeviceGetUtilizationRates")]
    private static extern int NvmlDeviceGetUtilizationRates(nint device, out NvmlUtilization utilization);
}
