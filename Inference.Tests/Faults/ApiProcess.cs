using System.Diagnostics;
using System.Globalization;

namespace Inference.Tests.Faults;

/// <summary>
/// The API's own build run as a process against the fault suite's Redis and Postgres, with no proxy between them, so a
/// frozen or killed dependency reaches the API exactly as a network partition or crash would.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    public const string AdminKey = "fault-suite-admin-key-0123456789abcdef";

    /// <summary>How long the API may take to load its models and answer ready, on a loaded machine.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(180);

    private static readonly TimeSpan AttemptBound = TimeSpan.FromSeconds(5);

    private readonly Process _process;

    private ApiProcess(Process process, int port)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public static async Task<ApiProcess> StartAsync(string databaseConnectionString, string redisConnectionString)
    {
        var port = ControlledProcess.FreePort();
        // The same build configuration as the tests (bin/<Configuration>/net10.0).
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var apiDirectory = Path.Combine(TestPaths.RepositoryRoot, "Inference.Api", "bin", build.Parent!.Name, build.Name);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(apiDirectory, "Inference.Api.dll")])
        {
            WorkingDirectory = apiDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__inferencedb"] = databaseConnectionString,
                ["ConnectionStrings__redis"] = redisConnectionString,
                ["Database__MigrateOnStartup"] = "true",
                ["Inference__ModelRoots__0"] = TestPaths.ProjectModels,
                ["Inference__Auth__RequireApiKey"] = "false",
                ["Inference__Auth__BootstrapAdminKey"] = AdminKey,
                // Limits far above the load, so the limiter runs (and must fall back) without refusing anyone.
                ["Inference__RateLimits__Predict__PermitLimit"] = "100000",
                ["Inference__RateLimits__Admin__PermitLimit"] = "100000",
                ["Inference__RateLimits__Jobs__PermitLimit"] = "100000",
                // Items whose read reply a frozen Redis swallowed are taken over after this, not after the 30 s default.
                ["Jobs__ReclaimAfter"] = "00:00:05",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("The API did not start.");
        // Kept for diagnosis under TestResults/ (ignored by git): the API's warnings and errors during the faults.
        var log = Path.Combine(TestPaths.RepositoryRoot, "TestResults", "fault-api.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, line) => Write(writer, line.Data);
        process.ErrorDataReceived += (_, line) => Write(writer, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new ApiProcess(process, port);
        await Eventually.PollAsync(api.ReadyAsync, ready => ready is null, StartBound,
            reason => $"the API on port {port.ToString(CultureInfo.InvariantCulture)} did not become ready: {reason}", TestContext.Current.CancellationToken,
            TimeSpan.FromMilliseconds(250));
        return api;
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is not null)
        {
            lock (writer)
            {
                writer.WriteLine(line);
            }
        }
    }

    /// <summary>Null once readiness answers 200 (models loaded); otherwise why not yet.</summary>
    /// <remarks>
    /// Until the API listens, connections are refused; while it starts on a busy machine, an answer may take long. Both
    /// are "not yet" until <see cref="StartBound"/>, each attempt bounded by <see cref="AttemptBound"/>.
    /// </remarks>
    private async Task<string?> ReadyAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The API exited with {_process.ExitCode}.");
        }
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(AttemptBound);
        try
        {
            using var response = await Client.GetAsync("/health", attempt.Token);
            return response.IsSuccessStatusCode ? null : $"readiness answered {(int)response.StatusCode}";
        }
        catch (HttpRequestException exception)
        {
            return exception.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"readiness did not answer within {AttemptBound.TotalSeconds:0} s";
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
