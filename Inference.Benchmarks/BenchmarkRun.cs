namespace Inference.Benchmarks;

/// <summary>
/// One benchmark run, in order: the raw ONNX Runtime sweep (nothing else running), the real Python stack
/// (<see cref="PythonPeer"/>), the seeds' pattern on its own AppHost, then the product's API on a second AppHost start
/// that reuses the data folder, as a developer's second <c>dotnet run</c> would. The Python peer and the API also run
/// the overload rows: far past saturation, with a client timeout.
/// </summary>
public sealed partial class BenchmarkRun(BenchmarkOptions options, BenchmarkModels models, ReviewTexts texts)
{
    private const string DistilBert = "distilbert";
    private const string Sentiment = "sentiment";
    private const string MobileNet = "mobilenet";

    // Both API configurations run on the CPU provider, like the raw rows, whatever the machine offers.
    private static readonly Dictionary<string, string> ProductSettings = new()
    {
        ["Inference__ExecutionProvider"] = "cpu",
    };

    // One inference per request, one at a time across the process: a single Python worker behind a lock.
    private static readonly Dictionary<string, string> SeedsPatternSettings = new(ProductSettings)
    {
        ["Inference__Batching__Enabled"] = "false",
        ["Inference__Batching__GlobalLock"] = "true",
    };

    // The product's serving features off: no prediction log, no response cache, no rate limits.
    private static readonly Dictionary<string, string> FeaturesOffSettings = new(ProductSettings)
    {
        ["Inference__PredictionLog__Enabled"] = "false",
        ["Inference__Cache__Enabled"] = "false",
        ["Inference__RateLimits__Enabled"] = "false",
    };

    public async Task<BenchmarkReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        Console.Error.WriteLine($"Raw ONNX Runtime, {DistilBert}, sequence {texts.SequenceLength} tokens:");
        var raw = RawOnnxRuntimeBenchmark.Run(models.DistilBertModel, texts, options.RawBatchSizes, options.Warmup, options.RawDuration, cancellationToken);
        // The sweep's session is gone; return its memory before the API starts beside this process.
        GC.Collect();

        PeerResults? python = null;
        if (!options.SkipPython)
        {
            Console.Error.WriteLine("Python peer (FastAPI + uvicorn + PyTorch, one request at a time under a lock):");
            python = await RunPythonPeerAsync(cancellationToken);
        }

        var dataDirectory = CreateDataDirectory();
        try
        {
            ApiScenario? seedsPattern = null;
            TimeSpan? firstStart = null;
            if (!options.SkipSeedsPattern)
            {
                Console.Error.WriteLine("Seeds' pattern (no batching, global lock):");
                (seedsPattern, firstStart) = await RunSeedsPatternAsync(dataDirectory, cancellationToken);
            }

            Console.Error.WriteLine("Product API (dynamic batching):");
            var (api, overload, stages, product) = await RunProductAsync(dataDirectory, freshDataDirectory: firstStart is null, cancellationToken);
            ApiScenario? featuresOff = null;
            if (options.ServingFeatures)
            {
                Console.Error.WriteLine("Product API without prediction log, cache and rate limits:");
                featuresOff = await RunFeaturesOffAsync(dataDirectory, cancellationToken);
            }

            return new BenchmarkReport(started, options.ToCommandLine(), MachineDescription.Current(), raw, models.ServedModelFiles(),
                seedsPattern, api, product, firstStart, featuresOff)
            {
                Python = python,
                Overload = overload,
                Stages = stages,
                ClientTimeout = options.ClientTimeout,
            };
        }
        finally
        {
            DeleteDataDirectory(dataDirectory);
        }
    }

    private async Task<(ApiScenario Scenario, TimeSpan Start)> RunSeedsPatternAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        await using var system = await StartAsync(dataDirectory, SeedsPatternSettings, cancellationToken);
        await system.EnsureModelsReadyAsync([DistilBert], cancellationToken);
        using var load = new LoadGenerator();
        var bodies = texts.SerializeBodies(DistilBert, firstIndex: 0, options.TextBodies);
        var scenario = await MeasureAsync(load, system, DistinctRequests.Text(system.ApiEndpoint, bodies), DistilBert, options.HighConcurrency, cancellationToken);
        return (scenario, system.CreateToReady);
    }

    /// <summary>The Python peer on the same texts at c1, the high concurrency and the overload levels.</summary>
    private async Task<PeerResults> RunPythonPeerAsync(CancellationToken cancellationToken)
    {
        await using var peer = await PythonPeer.StartAsync(models, cancellationToken);
        Console.Error.WriteLine($"  ready in {peer.StartToReady.TotalSeconds:F1} s, process {peer.ProcessId}");
        // Its own numbering: it has no cache, and the API's rows must not meet these texts in the API's cache either.
        var bodies = texts.SerializeBodies(DistilBert, firstIndex: 4L * options.TextBodies, options.TextBodies);
        var requests = DistinctRequests.Text(peer.Endpoint, bodies);
        using var load = new LoadGenerator();
        var scenarios = new List<ApiScenario>();
        foreach (var concurrency in new[] { 1, options.HighConcurrency }.Distinct())
        {
            scenarios.Add(await MeasureAsync(load, peer.ProcessId, requests, DistilBert, concurrency, null, cancellationToken));
        }
        var overload = new List<ApiScenario>();
        foreach (var concurrency in options.OverloadConcurrency)
        {
            overload.Add(await MeasureAsync(load, peer.ProcessId, requests, DistilBert, concurrency, options.ClientTimeout, cancellationToken));
        }
        return new PeerResults(scenarios, overload, peer.StartToReady);
    }

    private async Task<(IReadOnlyList<ApiScenario> Scenarios, IReadOnlyList<ApiScenario> Overload, IReadOnlyList<StageProfile> Stages,
        SystemMeasurements System)> RunProductAsync(
        string dataDirectory, bool freshDataDirectory, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string>(ProductSettings);
        foreach (var (name, value) in options.ApiSettings)
        {
            settings[name] = value;
        }
        await using var system = await StartAsync(dataDirectory, settings, cancellationToken);
        var provider = await system.EnsureModelsReadyAsync([DistilBert, Sentiment, MobileNet], cancellationToken);
        var residentAtReady = system.ResidentBytes();

        // Text numbering continues past the seeds' run: its answers may still sit in Redis.
        var distilbertBodies = texts.SerializeBodies(DistilBert, firstIndex: options.TextBodies, options.TextBodies);
        var sentimentBodies = texts.SerializeBodies(Sentiment, firstIndex: 2L * options.TextBodies, options.TextBodies);
        var distilbertRequests = DistinctRequests.Text(system.ApiEndpoint, distilbertBodies);
        // One factory per model for the warm-up and the rows alike, so no row repeats a warm-up text (a cache hit).
        var sentimentRequests = DistinctRequests.Text(system.ApiEndpoint, sentimentBodies);
        var mobileNetRequests = DistinctRequests.Image(system.ApiEndpoint, MobileNet, models.GoldfishPhoto, firstIndex: 0);

        using var load = new LoadGenerator();
        if (options.ApiWarmup > TimeSpan.Zero)
        {
            // A fresh process compiles its serving path again, optimized, once each method is hot: in trial runs the JIT's
            // tier-up took about 0.4 of a core for the first ten seconds of load, which the first row (c1) paid in full.
            Console.Error.WriteLine($"  warming the API up for {options.ApiWarmup.TotalSeconds:0.#} s (every route, concurrency 8; not measured)");
            await load.RunAsync(DistinctRequests.RoundRobin([distilbertRequests, sentimentRequests, mobileNetRequests]), 8, options.ApiWarmup,
                TimeSpan.Zero, cancellationToken);
        }
        using var stageMetrics = new StageMetricsScraper(system.ManagementEndpoint);
        var scenarios = new List<ApiScenario>();
        var stages = new List<StageProfile>();
        foreach (var concurrency in options.ApiConcurrency)
        {
            var before = await stageMetrics.ScrapeAsync(DistilBert, cancellationToken);
            var scenario = await MeasureAsync(load, system, distilbertRequests, DistilBert, concurrency, cancellationToken);
            scenarios.Add(scenario);
            stages.Add(StageMetricsScraper.Profile(scenario, before, await stageMetrics.ScrapeAsync(DistilBert, cancellationToken)));
        }
        scenarios.Add(await MeasureAsync(load, system, sentimentRequests, Sentiment, options.HighConcurrency, cancellationToken));
        scenarios.Add(await MeasureAsync(load, system, mobileNetRequests, MobileNet, options.HighConcurrency, cancellationToken));
        var overload = new List<ApiScenario>();
        foreach (var concurrency in options.OverloadConcurrency)
        {
            overload.Add(await MeasureAsync(load, system.ApiProcessId, distilbertRequests, DistilBert, concurrency, options.ClientTimeout, cancellationToken));
        }

        return (scenarios, overload, stages, new SystemMeasurements(
            system.CreateToReady, system.StartToReady, freshDataDirectory, provider, residentAtReady, system.PeakResidentBytes()));
    }

    /// <summary>The sentiment row of the product's run again, with the serving features off (P6 compares the two).</summary>
    private async Task<ApiScenario> RunFeaturesOffAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        await using var system = await StartAsync(dataDirectory, FeaturesOffSettings, cancellationToken);
        await system.EnsureModelsReadyAsync([Sentiment], cancellationToken);
        using var load = new LoadGenerator();
        var bodies = texts.SerializeBodies(Sentiment, firstIndex: 3L * options.TextBodies, options.TextBodies);
        return await MeasureAsync(load, system, DistinctRequests.Text(system.ApiEndpoint, bodies), Sentiment, options.HighConcurrency, cancellationToken);
    }

    private async Task<RunningSystem> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var system = await RunningSystem.StartAsync(models, dataDirectory, settings, options.ShowLogs, cancellationToken);
        Console.Error.WriteLine($"  AppHost ready in {system.CreateToReady.TotalSeconds:F1} s (StartAsync → healthy {system.StartToReady.TotalSeconds:F1} s), API process {system.ApiProcessId}");
        return system;
    }

    private Task<ApiScenario> MeasureAsync(
        LoadGenerator load, RunningSystem system, Func<HttpRequestMessage> requests, string model, int concurrency, CancellationToken cancellationToken) =>
        MeasureAsync(load, system.ApiProcessId, requests, model, concurrency, null, cancellationToken);

    private async Task<ApiScenario> MeasureAsync(LoadGenerator load, int serverProcessId, Func<HttpRequestMessage> requests, string model, int concurrency,
        TimeSpan? clientTimeout, CancellationToken cancellationToken)
    {
        var cpu = CpuMeter.Start(serverProcessId);
        var result = await load.RunAsync(requests, concurrency, options.Warmup, options.Duration, cancellationToken, clientTimeout);
        var cpuShare = cpu.Stop();
        Console.Error.WriteLine($"  {model} c{concurrency}: {result.Throughput:F1} req/s ({result.Goodput:F1} good), p50 {result.Latency.P50Ms:F1} ms, p99 {result.Latency.P99Ms:F1} ms, {result.Failures} failed ({result.Refused} refused, {result.Timeouts} timed out), {result.CacheHits} cached; server {cpuShare.ProcessCores:F2} cores, machine {cpuShare.MachineCores:F2} cores");
        return new ApiScenario(model, result, cpuShare);
    }

    private static string CreateDataDirectory()
    {
        var path = Directory.CreateTempSubdirectory("inference-benchmark-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Postgres runs as its own user when the benchmark runs as root: it must be able to enter the folder.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        return path;
    }

    private static void DeleteDataDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {path}: {exception.Message}");
        }
    }
}
