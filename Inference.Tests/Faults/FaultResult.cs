using System.Globalization;
using System.Text;

namespace Inference.Tests.Faults;

/// <summary>What one fault cost: every sample of the load, how long recovery took, and served versus logged predictions.</summary>
public sealed record FaultResult(string Fault, IReadOnlyList<Sample> Samples, TimeSpan Recovery, int Served, long Logged)
{
    private IEnumerable<Sample> Of(string kind) => Samples.Where(sample => sample.Kind == kind);

    private static TimeSpan Percentile(IEnumerable<Sample> samples, double share)
    {
        var sorted = samples.Select(sample => sample.Elapsed).Order().ToArray();
        return sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];
    }

    /// <summary>The table docs/reliability.md records, one row per fault.</summary>
    public static string Table(IEnumerable<FaultResult> results)
    {
        var table = new StringBuilder()
            .AppendLine("| fault | requests | errors (5xx/none) | p99 | max | admin 503 | readiness max | readiness states | recovery | log lost |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var result in results)
        {
            var requests = result.Of(FaultLoad.Prediction).Concat(result.Of(FaultLoad.Admin)).ToArray();
            var readiness = result.Of(FaultLoad.Readiness).ToArray();
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {result.Fault} | {requests.Length} | {requests.Count(IsError)} | {Ms(Percentile(requests, 0.99))} | {Ms(requests.Max(sample => sample.Elapsed))} " +
                $"| {result.Of(FaultLoad.Admin).Count(sample => sample.Status == 503)} | {Ms(readiness.Max(sample => sample.Elapsed))} " +
                $"| {string.Join("/", readiness.Select(sample => $"{sample.Status} {sample.Detail}").Distinct())} | {Ms(result.Recovery)} " +
                $"| {result.Served - Math.Min(result.Served, result.Logged)} |");
        }
        return table.ToString();
    }

    /// <summary>
    /// No prediction failed and none waited past <paramref name="requestBound"/>; admin reads answered 200 or 503 within
    /// it; readiness always answered 200 within <paramref name="readinessBound"/>; the API was whole within
    /// <paramref name="recoveryBound"/>; every served prediction was logged.
    /// </summary>
    public void AssertCostNothing(TimeSpan requestBound, TimeSpan readinessBound, TimeSpan recoveryBound)
    {
        Assert.All(Of(FaultLoad.Prediction), sample => Assert.True(sample.Status == 200 && sample.Elapsed <= requestBound,
            $"{Fault}: a prediction answered {sample.Status} after {Ms(sample.Elapsed)}: {sample.Detail}"));
        Assert.All(Of(FaultLoad.Admin), sample => Assert.True(sample.Status is 200 or 503 && sample.Elapsed <= requestBound,
            $"{Fault}: an admin read answered {sample.Status} after {Ms(sample.Elapsed)}: {sample.Detail}"));
        Assert.All(Of(FaultLoad.Readiness), sample => Assert.True(sample.Status == 200 && sample.Elapsed <= readinessBound,
            $"{Fault}: readiness answered {sample.Status} ({sample.Detail}) after {Ms(sample.Elapsed)}"));
        Assert.True(Recovery <= recoveryBound, $"{Fault}: the API reported every dependency up only {Ms(Recovery)} after it returned");
        Assert.True(Served > 0 && Logged >= Served, $"{Fault}: {Served} predictions served, {Logged} logged");
    }

    private static bool IsError(Sample sample) => sample.Status is 0 or >= 500 && !(sample.Kind == FaultLoad.Admin && sample.Status == 503);

    private static string Ms(TimeSpan value) => $"{value.TotalMilliseconds:0} ms";
}
