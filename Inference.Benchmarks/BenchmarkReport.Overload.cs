using System.Globalization;

namespace Inference.Benchmarks;

/// <summary>The real Python stack's rows: ordinary load, overload, and how long it took to serve.</summary>
public sealed record PeerResults(IReadOnlyList<ApiScenario> Scenarios, IReadOnlyList<ApiScenario> Overload, TimeSpan StartToReady);

/// <summary>The Python peer's ratios (P3) and the overload rows and goals.</summary>
public sealed partial record BenchmarkReport
{
    private void WritePythonRatios(TextWriter output, ApiScenario? high, ApiScenario? single)
    {
        var pythonHigh = high is null ? null : Python?.Scenarios.FirstOrDefault(scenario => scenario.Load.Concurrency == high.Load.Concurrency);
        var pythonSingle = Python?.Scenarios.FirstOrDefault(scenario => scenario.Load.Concurrency == 1);
        Ratio(output, "P3", Python is null ? "API / Python peer throughput (Python peer skipped)" : $"API c{high?.Load.Concurrency} / Python peer c{pythonHigh?.Load.Concurrency} throughput",
            high is null || pythonHigh is null ? null : high.Load.Goodput / pythonHigh.Load.Goodput, "F2", "≥ 6", value => value >= 6);
        Ratio(output, "P3", Python is null ? "API / Python peer c1 throughput (Python peer skipped)" : "API c1 / Python peer c1 throughput",
            single is null || pythonSingle is null ? null : single.Load.Goodput / pythonSingle.Load.Goodput, "F2", "≥ 2.5", value => value >= 2.5);
    }

    private void WriteOverloadRows(TextWriter output)
    {
        var timeout = string.Create(CultureInfo.InvariantCulture, $"{ClientTimeout.TotalSeconds:0.#} s client timeout");
        foreach (var scenario in Python?.Overload ?? [])
        {
            OverloadRow(output, "6 overload", $"Python peer, {timeout}", scenario);
        }
        foreach (var scenario in Overload)
        {
            OverloadRow(output, "6 overload", $"API, {timeout}", scenario);
        }
    }

    /// <summary>Goodput (successes/s) in the throughput column, successes' latency, and what failed how.</summary>
    private static void OverloadRow(TextWriter output, string part, string name, ApiScenario scenario)
    {
        var load = scenario.Load;
        var other = load.Failures - load.Refused - load.Timeouts;
        var note = string.Create(CultureInfo.InvariantCulture,
            $"goodput; {load.Requests} requests: {load.Refused} refused with 503 (p50 {load.RefusalLatency.P50Ms:F1} / p99 {load.RefusalLatency.P99Ms:F1} ms), {load.Timeouts} client timeouts, {other} other failures; cores busy: server {scenario.Cpu.ProcessCores:F2}, machine {scenario.Cpu.MachineCores:F2}");
        Row(output, part, name, scenario.Model, load.Concurrency.ToString(CultureInfo.InvariantCulture), load.Goodput, load.SuccessLatency, note);
    }

    private void WriteOverloadRatios(TextWriter output, double peakGoodput)
    {
        foreach (var scenario in Overload)
        {
            var load = scenario.Load;
            var level = load.Concurrency;
            Ratio(output, "Overload", string.Create(CultureInfo.InvariantCulture, $"API c{level} goodput / peak API throughput ({peakGoodput:F1}/s)"),
                peakGoodput > 0 ? load.Goodput / peakGoodput : null, "F2", "≥ 0.95", value => value >= 0.95);
            Ratio(output, "Overload", $"API c{level} refusal latency p99 (ms; {load.Refused} refusals)",
                load.Refused > 0 ? load.RefusalLatency.P99Ms : null, "F1", "< 10 ms", value => value < 10);
            Ratio(output, "Overload", $"API c{level} client timeouts", load.Timeouts, "F0", "0", value => value == 0);
        }
    }
}
