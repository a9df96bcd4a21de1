using System.Collections.Concurrent;

namespace Inference.Engine.Execution;

/// <summary>A count and the time it accumulated, as Triton's statistics extension reports them.</summary>
public readonly record struct StatisticsDuration(long Count, long Ns);

/// <summary>Per-batch-size execution figures.</summary>
public sealed record BatchStatistics(int BatchSize, StatisticsDuration ComputeInfer);

/// <summary>What <see cref="ModelStatistics.Snapshot"/> returns: cumulative since the version was loaded.</summary>
public sealed record ModelStatisticsSnapshot(
    long LastInferenceMs,
    long InferenceCount,
    long ExecutionCount,
    StatisticsDuration Success,
    StatisticsDuration Fail,
    StatisticsDuration Queue,
    StatisticsDuration ComputeInfer,
    IReadOnlyList<BatchStatistics> Batches);

/// <summary>
/// Cumulative request, queue and compute figures for one model version (Triton's <c>/v2/models/{m}/stats</c>). Updated
/// with interlocked adds from the batcher's runner and the callers; reading is a consistent-enough snapshot.
/// </summary>
public sealed class ModelStatistics(IBatchObserver? next) : IBatchObserver
{
    private long _lastInferenceMs;
    private long _inferenceCount;
    private long _executionCount;
    private long _successCount, _successNs, _failCount, _failNs, _queueCount, _queueNs, _computeCount, _computeNs;
    private readonly ConcurrentDictionary<int, long[]> _bySize = new();

    /// <summary>
    /// One request finished, in <paramref name="elapsed"/> from arrival to answer; <paramref name="items"/> is its size
    /// along the batch dimension (Triton counts inferences by batch element).
    /// </summary>
    public void RecordRequest(bool success, TimeSpan elapsed, long items = 1)
    {
        var ns = elapsed.Ticks * 100;
        if (success)
        {
            Interlocked.Increment(ref _successCount);
            Interlocked.Add(ref _successNs, ns);
            Interlocked.Add(ref _inferenceCount, items);
        }
        else
        {
            Interlocked.Increment(ref _failCount);
            Interlocked.Add(ref _failNs, ns);
        }
        Volatile.Write(ref _lastInferenceMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>A run outside any batcher (models that cannot batch), as one execution of size one.</summary>
    public void RecordUnbatchedRun(string model, int version, TimeSpan elapsed) => BatchCompleted(model, version, 1, elapsed.TotalMilliseconds);

    public void BatchStarted(string model, int version, int size, ReadOnlySpan<double> queueWaitsMs)
    {
        double total = 0;
        foreach (var wait in queueWaitsMs)
        {
            total += wait;
        }
        Interlocked.Add(ref _queueCount, queueWaitsMs.Length);
        Interlocked.Add(ref _queueNs, (long)(total * 1_000_000));
        next?.BatchStarted(model, version, size, queueWaitsMs);
    }

    public void BatchCompleted(string model, int version, int size, double runMs)
    {
        var ns = (long)(runMs * 1_000_000);
        Interlocked.Increment(ref _executionCount);
        // Each request in the batch waited for the whole run, as Triton counts compute per request.
        Interlocked.Add(ref _computeCount, size);
        Interlocked.Add(ref _computeNs, ns * size);
        var bySize = _bySize.GetOrAdd(size, _ => new long[2]);
        Interlocked.Increment(ref bySize[0]);
        Interlocked.Add(ref bySize[1], ns);
        next?.BatchCompleted(model, version, size, runMs);
    }

    public void RequestRefused(string model, int version, AdmissionRefusal reason) => next?.RequestRefused(model, version, reason);

    public void RequestAbandoned(string model, int version) => next?.RequestAbandoned(model, version);

    public ModelStatisticsSnapshot Snapshot() => new(
        Volatile.Read(ref _lastInferenceMs),
        Volatile.Read(ref _inferenceCount),
        Volatile.Read(ref _executionCount),
        new(Volatile.Read(ref _successCount), Volatile.Read(ref _successNs)),
        new(Volatile.Read(ref _failCount), Volatile.Read(ref _failNs)),
        new(Volatile.Read(ref _queueCount), Volatile.Read(ref _queueNs)),
        new(Volatile.Read(ref _computeCount), Volatile.Read(ref _computeNs)),
        [.. _bySize.OrderBy(entry => entry.Key).Select(entry => new BatchStatistics(entry.Key, new(Volatile.Read(ref entry.Value[0]), Volatile.Read(ref entry.Value[1]))))]);
}
