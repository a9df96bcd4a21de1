using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// What every end-to-end fixture does to run an AppHost of its own: local Postgres and Redis with data in a private
/// temp folder (so runs never share state or collide with a developer's AppHost), quiet infrastructure logs, and
/// a clean stop.
/// </summary>
internal static class TestAppHost
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>A new temp folder for Postgres and Redis data.</summary>
    public static string CreateDataDirectory(string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Postgres runs as its own user when the tests run as root: it must be able to enter the folder.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        return directory;
    }

    /// <summary>The AppHost in local infrastructure mode over <paramref name="dataDirectory"/>, plus the fixture's own arguments.</summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(
        string dataDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=local", $"--Infrastructure:DataDirectory={dataDirectory}", .. arguments],
            cancellationToken);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            // Probes fail by design until Postgres and Redis accept connections.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        return builder;
    }

    /// <summary>Stops the AppHost (if it started) and removes its data folder.</summary>
    public static async ValueTask StopAsync(DistributedApplication? app, string dataDirectory)
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
