using System.Globalization;

namespace Inference.Benchmarks;

/// <summary>The per-stage table: where a DistilBERT request's time goes in the API, by its own metric.</summary>
public sealed partial record BenchmarkReport
{
    // The order a request passes them (Inference.Engine.Execution.RequestStages).
    private static readonly string[] StageOrder = ["parse", "cache", "preprocess", "queue", "run", "postprocess", "log", "serialize"];

    private void WriteStageTable(TextWriter output)
    {
        if (Stages.Count == 0)
        {
            return;
        }
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine($"Stages of a {TextModel} request in the API (`inference_request_stage_duration_seconds`, mean ms per request, warm-up included; " +
            "run is the whole batch's run, which every request in it waits for):");
        output.WriteLine();
        output.WriteLine($"| stage | {string.Join(" | ", Stages.Select(profile => $"c{profile.Concurrency}"))} |");
        output.WriteLine($"|---|{string.Concat(Stages.Select(_ => "---|"))}");
        var stages = StageOrder.Concat(Stages.SelectMany(profile => profile.MeanMs.Keys).Except(StageOrder).Order());
        foreach (var stage in stages)
        {
            output.WriteLine($"| {stage} | {string.Join(" | ", Stages.Select(profile =>
                profile.MeanMs.TryGetValue(stage, out var mean) ? mean.ToString("F3", culture) : "–"))} |");
        }
        output.WriteLine($"| **sum of stages** | {string.Join(" | ", Stages.Select(profile => profile.MeanMs.Values.Sum().ToString("F3", culture)))} |");
        output.WriteLine($"| client p50 | {string.Join(" | ", Stages.Select(profile => profile.ClientP50Ms.ToString("F3", culture)))} |");
    }
}
