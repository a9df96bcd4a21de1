using System.Diagnostics;

namespace Aspire.Hosting;

/// <summary>Asks the configured container runtime whether its engine answers, as Aspire itself would need it to.</summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Returns null when the runtime is healthy, else the reason it is not.</summary>
    public static string? FindProblem(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return $"'{runtime}' could not be started";
            }

            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return $"'{runtime} info' did not answer within {Timeout.TotalSeconds:0} s";
            }

            return process.ExitCode == 0
                ? null
                : $"'{runtime} info' failed: {FirstLine(stderr.Result)}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"'{runtime}' is not installed";
        }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no output";
}
