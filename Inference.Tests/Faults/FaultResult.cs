using System.Globalization;
using System.Text;

namespace Inference.Tests.Faults;

/// <summary>How the job submitted before a fault ended: its state and counters, and its distinct stored results.</summary>
public sealed record JobOutcome(string State, int TotalItems, int ProcessedItems, int FailedItems, int StoredResults)
{
    /// <summary>Accepted items without a stored result.</summary>
    public int Lost => TotalItems - StoredResults;

    /// <summary>Items counted more often than they have results (a result stored or counted twice).</summary>
    public int Duplicated => Math.Max(0, ProcessedItems - StoredResults);
}

/// <summary>
/// What one fault cost: every sample of the load, how long recovery took, served versus logged predictions, and how the
/// job that ran through it ended.
/// </summary>
public sealed record FaultResult(string Fault, IReadOnlyList<Sample> Samples, TimeSpan Recovery, int Served, long Logged, JobOutcome Job)
{
    private IEnumerable<Sample> Of(string kind) => Samples.Where(sample => sample.Kind == kind);

    /// <summary>
    /// A sample's latency beyond the machine's own stall at that moment: less the longest control request (which
    /// consults no dependency) that overlapped it. A request that waited on a dependency keeps that wait; one that
    /// waited for the CPU alongside everything else does not.
    /// </summary>
    public TimeSpan BeyondStall(Sample sample) =>
        sample.Elapsed - Of(FaultLoad.Control).Where(control => control.Start < sample.End && control.End > sample.Start)
            .Select(control => control.Elapsed).DefaultIfEmpty(TimeSpan.Zero).Max();

    private static TimeSpan Percentile(IEnumerable<Sample> samples, double share)
    {
        var sorted = samples.Select(sample => sample.Elapsed).Order().ToArray();
        return sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];
    }

    /// <summary>The table docs/reliability.md records, one row per fault.</summary>
    public static string Table(IEnumerable<FaultResult> results)
    {
        var table = new StringBuilder()
            .AppendLine("| fault | requests | errors (5xx/none) | p99 | max | max beyond stall | admin 503 | readiness max beyond stall | readiness states | recovery | job items lost/duplicated | log lost |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var result in results)
        {
            var requests = result.Of(FaultLoad.Prediction).Concat(result.Of(FaultLoad.Admin)).ToArray();
            var readiness = result.Of(FaultLoad.Readiness).ToArray();
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {result.Fault} | {requests.Length} | {requests.Count(IsError)} | {Ms(Percentile(requests, 0.99))} | {Ms(requests.Max(sample => sample.Elapsed))} " +
                $"| {Ms(requests.Max(result.BeyondStall))} | {result.Of(FaultLoad.Admin).Count(sample => sample.Status == 503)} " +
                $"| {Ms(readiness.Max(result.BeyondStall))} ({Ms(readiness.Max(sample => sample.Elapsed))}) " +
                $"| {string.Join("/", readiness.Select(sample => $"{sample.Status} {sample.Detail}").Distinct())} | {Ms(result.Recovery)} " +
                $"| {result.Job.Lost}/{result.Job.Duplicated} of {result.Job.TotalItems} | {result.Served - Math.Min(result.Served, result.Logged)} |");
        }
        return table.ToString();
    }

    /// <summary>
    /// No prediction failed and none waited past <paramref name="requestBound"/> beyond the machine's stall; admin reads
    /// answered 200 or 503 within it; readiness always answered 200 within <paramref name="readinessBound"/> beyond the
    /// stall; the API was whole within <paramref name="recoveryBound"/>; the job completed with every item stored once;
    /// every served prediction was logged.
    /// </summary>
    public void AssertCostNothing(TimeSpan requestBound, TimeSpan readinessBound, TimeSpan recoveryBound)
    {
        Assert.All(Of(FaultLoad.Prediction), sample => Assert.True(sample.Status == 200 && BeyondStall(sample) <= requestBound,
            $"{Fault}: a prediction answered {sample.Status} after {Ms(sample.Elapsed)} ({Ms(BeyondStall(sample))} beyond the stall): {sample.Detail}"));
        Assert.All(Of(FaultLoad.Admin), sample => Assert.True(sample.Status is 200 or 503 && BeyondStall(sample) <= requestBound,
            $"{Fault}: an admin read answered {sample.Status} after {Ms(sample.Elapsed)} ({Ms(BeyondStall(sample))} beyond the stall): {sample.Detail}"));
        Assert.All(Of(FaultLoad.Readiness), sample => Assert.True(sample.Status == 200 && BeyondStall(sample) <= readinessBound,
            $"{Fault}: readiness answered {sample.Status} ({sample.Detail}) after {Ms(sample.Elapsed)} ({Ms(BeyondStall(sample))} beyond the stall)"));
        Assert.True(Recovery <= recoveryBound, $"{Fault}: the API reported every dependency up only {Ms(Recovery)} after it returned");
        Assert.True(Job is { State: "completed", FailedItems: 0, Lost: 0, Duplicated: 0 } && Job.ProcessedItems == Job.TotalItems,
            $"{Fault}: the job ended {Job}");
        Assert.True(Served > 0 && Logged >= Served, $"{Fault}: {Served} predictions served, {Logged} logged");
    }

    private static bool IsError(Sample sample) => sample.Status is 0 or >= 500 && !(sample.Kind == FaultLoad.Admin && sample.Status == 503);

    private static string Ms(TimeSpan value) => $"{value.TotalMilliseconds:0} ms";
}
