using System.Globalization;
using System.Text.RegularExpressions;

namespace Inference.Benchmarks;

/// <summary>
/// Where one scenario's requests spent their time, by the API's own <c>inference_request_stage_duration_seconds</c>:
/// each stage's mean in milliseconds per request that passed it, from two scrapes of the management port around the
/// scenario (warm-up included).
/// </summary>
/// <param name="ClientP50Ms">The scenario's median latency as its clients measured it, to set the stages against.</param>
public sealed record StageProfile(string Model, int Concurrency, IReadOnlyDictionary<string, double> MeanMs, double ClientP50Ms);

/// <summary>Reads the stage histogram's <c>_sum</c> and <c>_count</c> series of one model from the API's <c>/metrics</c>.</summary>
public sealed partial class StageMetricsScraper(Uri managementEndpoint) : IDisposable
{
    private const string Family = "inference_request_stage_duration_seconds";

    // The exporter answers a scrape from its cache for a moment, and the serialize stage is recorded just after the
    // response is written: a pause makes the second scrape see the scenario's last requests.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);

    private readonly HttpClient _client = new() { BaseAddress = managementEndpoint, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Sum (seconds) and count per stage, now.</summary>
    public async Task<IReadOnlyDictionary<string, (double Sum, double Count)>> ScrapeAsync(string model, CancellationToken cancellationToken)
    {
        await Task.Delay(SettleTime, cancellationToken);
        var text = await _client.GetStringAsync("/metrics", cancellationToken);
        var stages = new Dictionary<string, (double Sum, double Count)>();
        foreach (Match match in SampleLine().Matches(text))
        {
            var labels = match.Groups["labels"].Value;
            if (!labels.Contains($"model=\"{model}\"", StringComparison.Ordinal) || StageLabel().Match(labels) is not { Success: true } stage)
            {
                continue;
            }
            var value = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            var name = stage.Groups["stage"].Value;
            var (sum, count) = stages.GetValueOrDefault(name);
            stages[name] = match.Groups["series"].Value == "sum" ? (sum + value, count) : (sum, count + value);
        }
        return stages;
    }

    /// <summary>Each stage's mean (ms) over the requests recorded between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static StageProfile Profile(ApiScenario scenario,
        IReadOnlyDictionary<string, (double Sum, double Count)> before, IReadOnlyDictionary<string, (double Sum, double Count)> after)
    {
        var means = new Dictionary<string, double>();
        foreach (var (stage, (sum, count)) in after)
        {
            var (sumBefore, countBefore) = before.GetValueOrDefault(stage);
            if (count > countBefore)
            {
                means[stage] = (sum - sumBefore) / (count - countBefore) * 1000;
            }
        }
        return new StageProfile(scenario.Model, scenario.Load.Concurrency, means, scenario.Load.Latency.P50Ms);
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex(@"^" + Family + @"_(?<series>sum|count)\{(?<labels>[^}]*)\}\s+(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    [GeneratedRegex("stage=\"(?<stage>[^\"]+)\"")]
    private static partial Regex StageLabel();
}
