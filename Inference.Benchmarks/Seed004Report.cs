using System.Globalization;

namespace Inference.Benchmarks;

/// <summary>The seed 004 case as a markdown section: its models, their answers, one load row and the ratio rows.</summary>
public sealed record Seed004Report(DateTimeOffset Started, string Command, MachineDescription Machine, Seed004Results Results)
{
    /// <summary>The goal for resident memory: at most 1.5 × the model files plus 250 MB for the runtime.</summary>
    private const double GoalFactor = 1.5;
    private const long GoalAllowanceBytes = 250_000_000;
    private const double TokenizationGoal = 0.05;

    public void Write(TextWriter output)
    {
        var culture = CultureInfo.InvariantCulture;
        var modelBytes = Results.ModelFiles.Sum(file => file.Bytes);
        var goalBytes = (long)(GoalFactor * modelBytes) + GoalAllowanceBytes;
        var breakdown = string.Join(", ", Results.ModelFiles.Select(file => $"{file.Name} {BenchmarkReport.Megabytes(file.Bytes)}"));

        output.WriteLine();
        BenchmarkReport.WriteHeading(output, "Seed 004 in one process", Started, Machine, Command);
        output.WriteLine(string.Create(culture,
            $"- Models (random, seeded weights; Hugging Face folders without model.json, roberta-base's tokenizer files): {breakdown}; Σ {BenchmarkReport.Megabytes(modelBytes)}. One API process serves them and nothing else; execution provider {Results.ExecutionProvider}; StartAsync → healthy {Results.StartToReady.TotalSeconds:F1} s."));
        foreach (var answer in Results.Answers)
        {
            output.WriteLine($"- Answered: {answer}.");
        }
        output.WriteLine();
        BenchmarkReport.WriteTableHeader(output);
        BenchmarkReport.Row(output, "7 seed 004", "API, four models in turn (text, multi-label, zero-shot with 3 labels, embedding)", Results.Load);

        var goal = string.Create(culture, $"RSS ≤ 1.5 × Σ + 250 MB = {BenchmarkReport.Megabytes(goalBytes)}, i.e. ≤ {(double)goalBytes / modelBytes:F2} ×");
        Ratio(output, "P7", string.Create(culture,
                $"seed 004 API RSS, four models loaded and warmed, {BenchmarkReport.Megabytes(Results.ResidentAtReady)} (peak while loading {BenchmarkReport.Megabytes(Results.PeakWhileLoading)}) / Σ model files {BenchmarkReport.Megabytes(modelBytes)}"),
            Results.ResidentAtReady, modelBytes, goalBytes, goal);
        Ratio(output, "P8", Results.PeakUnderLoad is { } peak
                ? $"seed 004 API peak RSS under the load of row 7 (VmHWM reset before it) {BenchmarkReport.Megabytes(peak)} / Σ model files"
                : "seed 004 API peak RSS under load (VmHWM could not be reset: /proc/<pid>/clear_refs)",
            Results.PeakUnderLoad ?? 0, modelBytes, goalBytes, goal);
        foreach (var family in Results.Tokenization)
        {
            BenchmarkReport.Ratio(output, $"P9 {family.Family}", string.Create(culture,
                    $"tokenization per request {family.TokenizeMicroseconds:F1} µs ({family.Kind}, {family.Tokens} tokens) / RoBERTa-base batch-1 run {family.ModelMilliseconds:F1} ms, in %"),
                family.Share * 100, "F2", "< 5 %", share => share < TokenizationGoal * 100);
        }
    }

    private static void Ratio(TextWriter output, string name, string meaning, long resident, long modelBytes, long goalBytes, string goal) =>
        BenchmarkReport.Ratio(output, name, meaning, resident == 0 ? null : (double)resident / modelBytes, "F2", goal, _ => resident <= goalBytes);
}
