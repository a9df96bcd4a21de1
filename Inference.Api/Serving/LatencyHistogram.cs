namespace Inference.Api.Serving;

/// <summary>
/// Latency buckets growing by 20 % from 0.05 ms to about two minutes: a percentile is the upper bound of its bucket, at
/// most 20 % above the true value, from a fixed, small amount of memory per second.
/// </summary>
internal static class LatencyHistogram
{
    private const double SmallestBoundMs = 0.05;
    private const double Growth = 1.2;
    public const int BucketCount = 82;

    public static int BucketOf(double milliseconds)
    {
        if (!(milliseconds > SmallestBoundMs))
        {
            return 0;
        }
        var bucket = (int)Math.Ceiling(Math.Log(milliseconds / SmallestBoundMs, Growth));
        return Math.Min(bucket, BucketCount - 1);
    }

    public static double UpperBound(int bucket) => SmallestBoundMs * Math.Pow(Growth, bucket);

    public static double? Percentile(long[] counts, double quantile)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var bucket = 0; bucket < counts.Length; bucket++)
        {
            seen += counts[bucket];
            if (seen >= rank)
            {
                return UpperBound(bucket);
            }
        }
        return UpperBound(counts.Length - 1);
    }
}
