namespace Inference.Api.Serving;

/// <summary>The sums of a span of seconds, and the figures the overview shows from them.</summary>
public sealed class TrafficWindow(int seconds)
{
    private readonly long[] _latency = new long[LatencyHistogram.BucketCount];

    public int Seconds { get; } = seconds;
    public long Predictions { get; private set; }
    public long Failures { get; private set; }
    public long CacheHits { get; private set; }

    /// <summary>Requests refused at admission (503 before any work); each is also counted among <see cref="Failures"/>.</summary>
    public long Refusals { get; private set; }
    public long Batches { get; private set; }
    public long BatchedRequests { get; private set; }

    public double PredictionsPerSecond => (double)Predictions / Seconds;
    public double CacheHitsPerSecond => (double)CacheHits / Seconds;
    public double RefusalsPerSecond => (double)Refusals / Seconds;

    /// <summary>Failed predictions per prediction; 0 without traffic.</summary>
    public double ErrorRate => Predictions == 0 ? 0 : (double)Failures / Predictions;

    /// <summary>Requests per model run; null when no batch ran.</summary>
    public double? MeanBatchSize => Batches == 0 ? null : (double)BatchedRequests / Batches;

    /// <summary>The latency (ms) under which <paramref name="quantile"/> of the timed predictions finished; null without any.</summary>
    public double? LatencyPercentile(double quantile) => LatencyHistogram.Percentile(_latency, quantile);

    internal void Add(RecentTraffic.Second second)
    {
        Predictions += second.Predictions;
        Failures += second.Failures;
        CacheHits += second.CacheHits;
        Refusals += second.Refusals;
        Batches += second.Batches;
        BatchedRequests += second.BatchedRequests;
        for (var i = 0; i < _latency.Length; i++)
        {
            _latency[i] += second.Latency[i];
        }
    }
}
