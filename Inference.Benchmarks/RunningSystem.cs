using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Inference.Benchmarks;

/// <summary>
/// The whole product started from its AppHost (local Postgres and Redis, the API, the admin UI), as
/// <c>dotnet run --project AppHost</c> starts it, with settings of the API's own set per run.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    private const string ApiResource = "inference-api";
    private const string DashboardResource = "inference-dashboard";
    // The API's management port (Prometheus's /metrics), 8002 by default in the AppHost.
    private const string ManagementEndpointName = "management";
    // Seed 004's four models (3 GB of ONNX files) take a minute or two to load and warm on two cores.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly DistributedApplication _app;

    private RunningSystem(DistributedApplication app, Uri apiEndpoint, int apiProcessId, TimeSpan createToReady, TimeSpan startToReady)
    {
        _app = app;
        ApiEndpoint = apiEndpoint;
        ManagementEndpoint = app.GetEndpoint(ApiResource, ManagementEndpointName);
        ApiProcessId = apiProcessId;
        CreateToReady = createToReady;
        StartToReady = startToReady;
    }

    public Uri ApiEndpoint { get; }

    /// <summary>The API's management port, where <c>/metrics</c> is served.</summary>
    public Uri ManagementEndpoint { get; }

    public int ApiProcessId { get; }

    /// <summary>From creating the AppHost's builder (its Program runs) to the API's first successful <c>/health</c> answer.</summary>
    public TimeSpan CreateToReady { get; }

    /// <summary>From <c>StartAsync</c> (Postgres and Redis start, then the API, which loads and warms every model) to the same answer.</summary>
    public TimeSpan StartToReady { get; }

    /// <param name="dataDirectory">Postgres and Redis data, private to this benchmark so it never meets another AppHost's.</param>
    /// <param name="apiSettings">Environment variables added to the API (configuration keys with <c>__</c>).</param>
    /// <param name="showLogs">Keep the AppHost's and the resources' logs on the console (diagnosing a failed start).</param>
    /// <param name="onlyModelRoot">The API's one model root, in place of the repository's models and the cache root.</param>
    public static async Task<RunningSystem> StartAsync(
        BenchmarkModels models, string dataDirectory, IReadOnlyDictionary<string, string> apiSettings, bool showLogs, CancellationToken cancellationToken,
        string? onlyModelRoot = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);

        var created = Stopwatch.GetTimestamp();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                "--Infrastructure:Mode=local",
                $"--Infrastructure:DataDirectory={dataDirectory}",
                // No extra root when the API gets one root only: it replaces root 0 below.
                $"--Inference:ExtraModelRoots={(onlyModelRoot is null ? models.CacheRoot : "")}",
            ],
            timeout.Token);
        // Standard output carries the results table only.
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        if (!showLogs)
        {
            // Rules for the console provider take precedence over the AppHost's appsettings.
            builder.Services.AddLogging(logging => logging
                .AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning)
                // Resource output: Postgres writes its ordinary LOG lines to stderr, which reads as errors.
                .AddFilter<ConsoleLoggerProvider>("AppHost.Resources", LogLevel.None)
                .AddFilter<ConsoleLoggerProvider>("Aspire.Hosting.Dcp", LogLevel.Error)
                // Probes fail by design while Postgres, Redis and the API start, and again as they stop.
                .AddFilter<ConsoleLoggerProvider>("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        }

        var api = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == ApiResource));
        foreach (var (name, value) in apiSettings)
        {
            api.WithEnvironment(name, value);
        }
        if (onlyModelRoot is not null)
        {
            // Replaces the repository's models/, which the AppHost always makes root 0.
            api.WithEnvironment("Inference__ModelRoots__0", onlyModelRoot);
        }

        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await app.StartAsync(timeout.Token);
            var firstHealthyAnswer = FirstHealthyAnswerAsync(app, timeout.Token);
            var ready = await app.ResourceNotifications.WaitForResourceHealthyAsync(ApiResource, timeout.Token);
            var readyAt = await firstHealthyAnswer;
            var startToReady = Stopwatch.GetElapsedTime(started, readyAt);
            var createToReady = Stopwatch.GetElapsedTime(created, readyAt);
            // The admin UI starts once the API is healthy; let it settle so its start-up does not overlap the load.
            await app.ResourceNotifications.WaitForResourceHealthyAsync(DashboardResource, timeout.Token);

            var launchedProcess = ready.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value
                ?? throw new InvalidOperationException($"{ApiResource} reports no process id.");
            var apiProcessId = ApiProcess.Find(Convert.ToInt32(launchedProcess, CultureInfo.InvariantCulture));
            return new RunningSystem(app, app.GetEndpoint(ApiResource, "http"), apiProcessId, createToReady, startToReady);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await StopAsync(app);
            throw new TimeoutException(
                $"The AppHost did not get {ApiResource} healthy within {StartTimeout.TotalMinutes} minutes; run with --logs to see why.");
        }
        catch
        {
            // Ends the /health polling too.
            await timeout.CancelAsync();
            await StopAsync(app);
            throw;
        }
    }

    /// <summary>
    /// When the API first answers <c>/health</c> with success. Polled here, finer than the AppHost's own health
    /// checks, whose interval would otherwise be part of the start-up time.
    /// </summary>
    private static async Task<long> FirstHealthyAnswerAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(app.GetEndpoint(ApiResource, "http"), "health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return Stopwatch.GetTimestamp();
                }
            }
            // Not listening yet, no endpoint allocated yet, or a probe that timed out while the API starts.
            catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException
                || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
            }
            await Task.Delay(HealthPollInterval, cancellationToken);
        }
    }

    /// <summary>Checks that every named model is <c>READY</c>; returns the execution provider the first one runs on.</summary>
    public async Task<string> EnsureModelsReadyAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        using var client = _app.CreateHttpClient(ApiResource, "http");
        using var catalog = JsonDocument.Parse(await client.GetStringAsync("api/models", cancellationToken));
        var entries = catalog.RootElement.EnumerateArray().ToDictionary(entry => entry.GetProperty("name").GetString()!, StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            if (!entries.TryGetValue(name, out var entry) || entry.GetProperty("status").GetString() != "READY")
            {
                throw new InvalidOperationException($"Model '{name}' is not servable: {(entry.ValueKind == JsonValueKind.Object ? entry.GetRawText() : "not listed")}.");
            }
        }
        return entries[names[0]].GetProperty("executionProvider").GetString() ?? "unknown";
    }

    /// <summary>The API process's resident memory now (<c>VmRSS</c>).</summary>
    public long ResidentBytes() => ApiProcess.StatusKilobytes(ApiProcessId, "VmRSS") * 1024;

    /// <summary>The API process's largest resident memory so far (<c>VmHWM</c>).</summary>
    public long PeakResidentBytes() => ApiProcess.StatusKilobytes(ApiProcessId, "VmHWM") * 1024;

    public async ValueTask DisposeAsync() => await StopAsync(_app);

    private static async Task StopAsync(DistributedApplication app)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
