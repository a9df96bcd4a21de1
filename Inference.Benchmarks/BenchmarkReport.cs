using System.Globalization;

namespace Inference.Benchmarks;

/// <summary>One HTTP scenario's result with what it ran.</summary>
/// <param name="Cpu">CPU over warm-up and measurement: the machine's and the API process's.</param>
public sealed record ApiScenario(string Model, LoadResult Load, CpuShare Cpu);

/// <summary>How long an AppHost took to serve and how much memory its API holds.</summary>
public sealed record SystemMeasurements(
    TimeSpan CreateToReady,
    TimeSpan StartToReady,
    bool FreshDataDirectory,
    string ExecutionProvider,
    long ResidentBytesAtReady,
    long PeakResidentBytes);

/// <summary>Everything one run measured, written as one markdown table with the machine and the command.</summary>
public sealed partial record BenchmarkReport(
    DateTimeOffset Started,
    string Command,
    MachineDescription Machine,
    RawResults Raw,
    IReadOnlyList<ModelFile> ModelFiles,
    ApiScenario? SeedsPattern,
    IReadOnlyList<ApiScenario> Api,
    SystemMeasurements Product,
    TimeSpan? FirstStart,
    ApiScenario? FeaturesOff = null)
{
    private const string TextModel = "distilbert";

    /// <summary>The real Python stack's rows; null when it was skipped.</summary>
    public PeerResults? Python { get; init; }

    /// <summary>The API's overload rows (past saturation, with <see cref="ClientTimeout"/>).</summary>
    public IReadOnlyList<ApiScenario> Overload { get; init; } = [];

    public TimeSpan ClientTimeout { get; init; }

    /// <summary>The API's own per-stage means around each DistilBERT concurrency row.</summary>
    public IReadOnlyList<StageProfile> Stages { get; init; } = [];

    public void Write(TextWriter output)
    {
        var culture = CultureInfo.InvariantCulture;
        var distilbertBytes = ModelFiles.Where(file => file.Name == TextModel).Sum(file => file.Bytes);
        WriteHeading(output, "Results", Started, Machine, Command);
        output.WriteLine(string.Create(culture,
            $"- Workload: DistilBERT-shaped model ({Megabytes(distilbertBytes)}, random weights), every text {Raw.SequenceLength} tokens and different from every other; raw rows: CPU, {Raw.IntraOpThreads} intra-op threads, all graph optimizations; API execution provider: {Product.ExecutionProvider}; padding check (same text with 8 masked pads): max logit change {Raw.PaddingLogitDifference:E1}; during the raw sweep the machine was busy {Raw.Cpu.MachineCores:F2} cores, {Raw.Cpu.ProcessCores:F2} of them in the sweep."));
        output.WriteLine();
        WriteTableHeader(output);

        var best = Raw.Best;
        foreach (var batch in Raw.Batches)
        {
            var note = string.Create(culture, $"batch {batch.BatchSize}, {batch.Runs} runs{(batch == best ? ", **best**" : "")}; latency per run");
            Row(output, "1 raw ORT", string.Create(culture, $"in process, batch {batch.BatchSize}"), TextModel, "–", batch.ItemsPerSecond, batch.Latency, note);
        }
        if (SeedsPattern is not null)
        {
            Row(output, "2 seeds' pattern", "API, no batching, global lock", SeedsPattern);
        }
        foreach (var scenario in Python?.Scenarios ?? [])
        {
            Row(output, "2 Python peer", "FastAPI + uvicorn + PyTorch, one at a time under a lock", scenario);
        }
        foreach (var scenario in Api)
        {
            Row(output, "3 API", "API, dynamic batching", scenario);
        }
        WriteOverloadRows(output);

        if (FeaturesOff is not null)
        {
            Row(output, "5 serving features", "API, no prediction log, cache or rate limits", FeaturesOff);
        }

        var high = Api.Where(scenario => scenario.Model == TextModel).MaxBy(scenario => scenario.Load.Concurrency);
        var single = Api.FirstOrDefault(scenario => scenario.Model == TextModel && scenario.Load.Concurrency == 1);
        Ratio(output, "P1", $"API c{high?.Load.Concurrency} throughput / raw best batch", high is null ? null : high.Load.Throughput / best.ItemsPerSecond, "F2", "≥ 0.9", value => value >= 0.9);
        Ratio(output, "P2", "API c1 p50 − raw batch-1 p50 (ms)", single is null ? null : single.Load.Latency.P50Ms - Raw.BatchOne.Latency.P50Ms, "F2", "≤ 1 ms", value => value <= 1);
        WritePythonRatios(output, high, single);

        var modelBytes = ModelFiles.Sum(file => file.Bytes);
        var breakdown = string.Join(", ", ModelFiles.Select(file => $"{file.Name} {Megabytes(file.Bytes)}"));
        Ratio(output, "P4", string.Create(culture,
                $"API RSS with all models loaded {Megabytes(Product.ResidentBytesAtReady)} (peak under load {Megabytes(Product.PeakResidentBytes)}) / Σ model files {Megabytes(modelBytes)}: {breakdown}"),
            Product.ResidentBytesAtReady == 0 ? null : (double)Product.ResidentBytesAtReady / modelBytes, "F1", "no goal; lower is better", null);
        var firstStart = FirstStart is { } first ? string.Create(culture, $"; the first start, with initdb, took {first.TotalSeconds:F1} s") : "";
        Ratio(output, "P5", string.Create(culture,
                $"AppHost start → API ready (s): builder creation → first 200 from the API's /health; StartAsync → {Product.StartToReady.TotalSeconds:F1} s{(Product.FreshDataDirectory ? "; fresh data folder (initdb)" : firstStart)}"),
            Product.CreateToReady.TotalSeconds, "F1", "≤ 10 s", value => value <= 10);
        var sentiment = Api.FirstOrDefault(scenario => scenario.Model == FeaturesOff?.Model && scenario.Load.Concurrency == FeaturesOff.Load.Concurrency);
        Ratio(output, "P6", FeaturesOff is null
                ? "API throughput with / without prediction log, cache and rate limits (not run; --serving-features)"
                : $"API {FeaturesOff.Model} c{FeaturesOff.Load.Concurrency} throughput with / without prediction log, cache and rate limits (every text distinct: cache misses)",
            sentiment is null || FeaturesOff is null ? null : sentiment.Load.Throughput / FeaturesOff.Load.Throughput, "F2", "no goal; near 1 is better", null);
        WriteOverloadRatios(output, Api.Where(scenario => scenario.Model == TextModel).Select(scenario => scenario.Load.Goodput).DefaultIfEmpty(0).Max());
        WriteStageTable(output);
    }

    /// <summary>A section's heading with the machine and the command that gave its numbers.</summary>
    internal static void WriteHeading(TextWriter output, string title, DateTimeOffset started, MachineDescription machine, string command)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## {title} {started:yyyy-MM-dd HH:mm} UTC"));
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- Machine: {machine.Cpu}, {machine.Cores} cores, {machine.Memory} RAM; {machine.OperatingSystem}; {machine.Runtime}; ONNX Runtime {machine.OnnxRuntime}."));
        output.WriteLine($"- Command: `{command}`");
    }

    internal static void WriteTableHeader(TextWriter output)
    {
        output.WriteLine("| part | scenario | model | concurrency | throughput (/s) | p50 ms | p95 ms | p99 ms | result |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
    }

    internal static void Row(TextWriter output, string part, string name, ApiScenario scenario)
    {
        var load = scenario.Load;
        var note = string.Create(CultureInfo.InvariantCulture,
            $"{load.Requests} requests, {load.Failures} failed, {load.CacheHits} cached; cores busy: API {scenario.Cpu.ProcessCores:F2}, load generator {load.GeneratorCores:F2}, machine {scenario.Cpu.MachineCores:F2}");
        if (load.FirstFailure is not null)
        {
            note += $"; first failure: {load.FirstFailure.ReplaceLineEndings(" ").Replace("|", "/", StringComparison.Ordinal)}";
        }
        Row(output, part, name, scenario.Model, load.Concurrency.ToString(CultureInfo.InvariantCulture), load.Throughput, load.Latency, note);
    }

    private static void Row(TextWriter output, string part, string scenario, string model, string concurrency, double throughput, LatencySummary latency, string note) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {part} | {scenario} | {model} | {concurrency} | {throughput:F1} | {latency.P50Ms:F1} | {latency.P95Ms:F1} | {latency.P99Ms:F1} | {note} |"));

    internal static void Ratio(TextWriter output, string name, string meaning, double? value, string format, string goal, Func<double, bool>? meetsGoal)
    {
        var shown = value is { } measured ? measured.ToString(format, CultureInfo.InvariantCulture) : "n/a";
        var verdict = meetsGoal is null
            ? goal
            : $"goal {goal}{(value is { } result ? (meetsGoal(result) ? ": met" : ": **not met**") : "")}";
        output.WriteLine($"| 4 ratio | {name}: {meaning} | | | | | | | **{shown}** ({verdict}) |");
    }

    internal static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB");
}
