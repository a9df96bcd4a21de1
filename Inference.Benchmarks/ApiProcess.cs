using System.Globalization;

namespace Inference.Benchmarks;

/// <summary>Finds the API's own process and reads its memory from <c>/proc</c> (Linux).</summary>
public static class ApiProcess
{
    private const string ApiAssemblyName = "Inference.Api";

    /// <summary>
    /// The process that runs the API: the one the AppHost launched, or, when that is a launcher such as
    /// <c>dotnet run</c>, its first descendant whose command line names the API.
    /// </summary>
    public static int Find(int launchedProcessId)
    {
        if (!Directory.Exists("/proc"))
        {
            return launchedProcessId;
        }

        var pending = new Queue<int>([launchedProcessId]);
        while (pending.TryDequeue(out var processId))
        {
            var commandLine = CommandLine(processId);
            if (commandLine.Contains(ApiAssemblyName, StringComparison.Ordinal) && !IsLauncher(commandLine))
            {
                return processId;
            }
            foreach (var child in Children(processId))
            {
                pending.Enqueue(child);
            }
        }
        throw new InvalidOperationException($"No {ApiAssemblyName} process was found under process {launchedProcessId}.");
    }

    /// <summary>A value in kB from <c>/proc/&lt;pid&gt;/status</c>, e.g. <c>VmRSS</c>; 0 where it cannot be read.</summary>
    public static long StatusKilobytes(int processId, string key)
    {
        var path = $"/proc/{processId}/status";
        if (!File.Exists(path))
        {
            return 0;
        }
        var line = File.ReadLines(path).FirstOrDefault(line => line.StartsWith(key + ":", StringComparison.Ordinal));
        var value = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return value is null ? 0 : long.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Starts <c>VmHWM</c> again from the current resident size (Linux's <c>clear_refs</c> 5), so a later reading is the
    /// peak of what follows, not of loading; false where the kernel or permissions do not allow it.
    /// </summary>
    public static bool ResetPeakResident(int processId)
    {
        try
        {
            File.WriteAllText($"/proc/{processId}/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsLauncher(string commandLine) =>
        commandLine.Split(' ').Take(2).Any(argument => argument == "run");

    private static string CommandLine(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static IEnumerable<int> Children(int parentId)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var processId))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            // Fields after the command name, which sits in parentheses and may hold spaces: state, then parent id.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parentId)
            {
                yield return processId;
            }
        }
    }
}
