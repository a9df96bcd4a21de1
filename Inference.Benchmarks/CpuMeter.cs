using System.Diagnostics;
using System.Globalization;

namespace Inference.Benchmarks;

/// <summary>Average CPU use over a measured span, in cores: the whole machine's and one process's.</summary>
public sealed record CpuShare(double MachineCores, double ProcessCores)
{
    public static CpuShare Unknown { get; } = new(double.NaN, double.NaN);
}

/// <summary>
/// Reads <c>/proc/stat</c> and <c>/proc/&lt;pid&gt;/stat</c> (Linux) at the start and end of a span. The machine's
/// busy time minus the processes the benchmark knows shows whether something else competed for the cores.
/// </summary>
public sealed class CpuMeter
{
    // /proc reports in USER_HZ ticks, 100 per second on every mainstream Linux architecture.
    private const double TicksPerSecond = 100;

    private readonly int _processId;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly long? _machineBusyAtStart = MachineBusyTicks();
    private readonly long? _processAtStart;

    private CpuMeter(int processId)
    {
        _processId = processId;
        _processAtStart = ProcessTicks(processId);
    }

    public static CpuMeter Start(int processId) => new(processId);

    public CpuShare Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;
        var machineBusy = MachineBusyTicks();
        var process = ProcessTicks(_processId);
        if (_machineBusyAtStart is null || machineBusy is null || _processAtStart is null || process is null || seconds <= 0)
        {
            return CpuShare.Unknown;
        }
        return new CpuShare(
            (machineBusy.Value - _machineBusyAtStart.Value) / TicksPerSecond / seconds,
            (process.Value - _processAtStart.Value) / TicksPerSecond / seconds);
    }

    /// <summary>All CPUs' ticks spent on anything but idle and waiting for I/O.</summary>
    private static long? MachineBusyTicks()
    {
        var line = ReadOrNull("/proc/stat")?.Split('\n').FirstOrDefault(line => line.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }
        var ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(value => long.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal [guest guest_nice, already counted in user and nice]
        return ticks.Take(8).Sum() - ticks[3] - ticks[4];
    }

    /// <summary>The process's user plus system ticks.</summary>
    private static long? ProcessTicks(int processId)
    {
        var stat = ReadOrNull($"/proc/{processId}/stat");
        if (stat is null)
        {
            return null;
        }
        // Fields after the command name, which sits in parentheses and may hold spaces; utime and stime are the 12th and 13th.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
