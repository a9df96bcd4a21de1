namespace Inference.Api.Data;

/// <summary>The columns of one prediction log row that analytics reads.</summary>
public sealed record LoggedPrediction(
    DateTimeOffset CreatedAt, int Version, bool Shadow, string Outcome, string? Label, bool Cached, double LatencyMs, string? TraceId, string InputHash);

/// <summary>
/// Analytics over rows in memory with the semantics of <see cref="PredictionAnalytics"/>' SQL: <c>percentile_cont</c>'s
/// linear interpolation, <c>date_bin</c>'s buckets counted from the window's start, SQL's NULL never equal to NULL.
/// </summary>
public static class PredictionAggregation
{
    /// <summary>How far before the window a served row may be and still pair with a shadow row in it.</summary>
    public static readonly TimeSpan ServedLookBack = TimeSpan.FromMinutes(1);

    public static IReadOnlyList<VersionStatistics> Statistics(IReadOnlyCollection<LoggedPrediction> rows) =>
        [.. rows.GroupBy(row => (row.Version, row.Shadow)).OrderBy(group => group.Key.Shadow).ThenBy(group => group.Key.Version).Select(group =>
        {
            var count = group.LongCount();
            var succeeded = group.Where(row => row.Outcome == PredictionOutcomes.Success).ToArray();
            var errors = count - succeeded.Length;
            var hits = group.LongCount(row => row.Cached);
            var latencies = succeeded.Select(row => row.LatencyMs).Order().ToArray();
            return new VersionStatistics(
                group.Key.Version,
                group.Key.Shadow,
                count,
                errors,
                (double)errors / count,
                Percentile(latencies, 0.5),
                Percentile(latencies, 0.95),
                Percentile(latencies, 0.99),
                hits,
                succeeded.Length == 0 ? 0 : (double)hits / succeeded.Length,
                succeeded.GroupBy(row => row.Label ?? "").ToDictionary(labels => labels.Key, labels => labels.LongCount()),
                group.Where(row => row.Outcome != PredictionOutcomes.Success)
                    .GroupBy(row => row.Outcome).ToDictionary(kinds => kinds.Key, kinds => kinds.LongCount()));
        })];

    public static IReadOnlyList<AnalyticsBucket> Buckets(IEnumerable<LoggedPrediction> rows, DateTimeOffset origin, TimeSpan bucket) =>
        [.. rows.GroupBy(row => (Start: BucketStart(row.CreatedAt, origin, bucket), row.Version, row.Shadow))
            .OrderBy(group => group.Key.Start).ThenBy(group => group.Key.Shadow).ThenBy(group => group.Key.Version)
            .Select(group => new AnalyticsBucket(
                group.Key.Start,
                group.Key.Version,
                group.Key.Shadow,
                group.LongCount(),
                group.LongCount(row => row.Outcome != PredictionOutcomes.Success),
                group.LongCount(row => row.Cached),
                Percentile([.. group.Where(row => row.Outcome == PredictionOutcomes.Success).Select(row => row.LatencyMs).Order()], 0.95)))];

    /// <summary>
    /// Pairs every successful shadow row from <paramref name="from"/> on with the successful served rows of the same trace
    /// and input; <paramref name="rows"/> reach back <see cref="ServedLookBack"/> before the window for the served side.
    /// </summary>
    public static IReadOnlyList<ShadowAgreement> Agreement(IReadOnlyCollection<LoggedPrediction> rows, DateTimeOffset from)
    {
        var served = rows.Where(row => !row.Shadow && row.Outcome == PredictionOutcomes.Success && row.TraceId is not null)
            .ToLookup(row => (row.TraceId, row.InputHash));
        return [.. rows
            .Where(row => row.Shadow && row.Outcome == PredictionOutcomes.Success && row.CreatedAt >= from && row.TraceId is not null)
            .SelectMany(shadow => served[(shadow.TraceId, shadow.InputHash)].Select(match => (Served: match, Shadow: shadow)))
            .GroupBy(pair => (Served: pair.Served.Version, Shadow: pair.Shadow.Version))
            .OrderBy(group => group.Key.Served).ThenBy(group => group.Key.Shadow)
            .Select(group =>
            {
                var pairs = group.LongCount();
                var agreed = group.LongCount(pair => pair.Served.Label is not null && pair.Served.Label == pair.Shadow.Label);
                return new ShadowAgreement(group.Key.Served, group.Key.Shadow, pairs, agreed, Math.Round((double)agreed / pairs, 4));
            })];
    }

    /// <summary><c>percentile_cont</c>: interpolates between the two nearest ranks of <paramref name="sorted"/>; rounded like the SQL path.</summary>
    public static double? Percentile(double[] sorted, double fraction)
    {
        if (sorted.Length == 0)
        {
            return null;
        }
        var position = fraction * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return Math.Round(sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower), 3);
    }

    /// <summary><c>date_bin</c>: the start of the bucket holding <paramref name="at"/>, buckets counted from <paramref name="origin"/>.</summary>
    private static DateTimeOffset BucketStart(DateTimeOffset at, DateTimeOffset origin, TimeSpan bucket) =>
        new(origin.UtcTicks + (long)Math.Floor((double)(at.UtcTicks - origin.UtcTicks) / bucket.Ticks) * bucket.Ticks, TimeSpan.Zero);
}
