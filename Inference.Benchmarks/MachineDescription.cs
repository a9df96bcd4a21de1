using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Benchmarks;

/// <summary>The machine the numbers came from, printed with them.</summary>
public sealed record MachineDescription(string Cpu, int Cores, string Memory, string OperatingSystem, string Runtime, string OnnxRuntime)
{
    public static MachineDescription Current() => new(
        CpuModel(),
        Environment.ProcessorCount,
        TotalMemory(),
        OperatingSystemName(),
        RuntimeInformation.FrameworkDescription,
        OrtEnv.Instance().GetVersionString());

    private static string CpuModel() =>
        ProcFileValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static string TotalMemory()
    {
        var kilobytes = ProcFileValue("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        return kilobytes is null
            ? "unknown"
            : $"{long.Parse(kilobytes, CultureInfo.InvariantCulture) / (1024.0 * 1024.0):F1} GiB";
    }

    private static string OperatingSystemName()
    {
        var prettyName = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;
        return prettyName is null ? RuntimeInformation.OSDescription : kernel is null ? prettyName : $"{prettyName}, kernel {kernel}";
    }

    /// <summary>The value of the first <c>key : value</c> line of a /proc file.</summary>
    private static string? ProcFileValue(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var line = File.ReadLines(path).FirstOrDefault(line => line.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(':') + 1)..].Trim();
    }
}
