using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Data;

/// <summary>
/// Analytics for databases without Postgres' ordered-set aggregates (SQLite in embedded mode): the window's rows are read
/// through EF Core (the (Model, CreatedAt) index serves the filter) and aggregated in process by
/// <see cref="PredictionAggregation"/> with Postgres' own formulas, so both answer the same on the same rows. Embedded mode
/// is one process on one machine, where windows hold thousands of rows, not millions.
/// </summary>
public sealed class SqlitePredictionAnalytics(InferenceDbContext db) : IPredictionAnalytics
{
    public async Task<IReadOnlyList<VersionStatistics>> StatisticsAsync(
        string model, DateTimeOffset from, DateTimeOffset to, int[]? versions, CancellationToken cancellationToken) =>
        PredictionAggregation.Statistics(await ReadAsync(model, from, to, versions, cancellationToken));

    public async Task<IReadOnlyList<AnalyticsBucket>> BucketsAsync(
        string model, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken) =>
        PredictionAggregation.Buckets(await ReadAsync(model, from, to, null, cancellationToken), from, bucket);

    public async Task<IReadOnlyList<ShadowAgreement>> ShadowAgreementAsync(
        string model, DateTimeOffset from, DateTimeOffset to, int[]? versions, CancellationToken cancellationToken)
    {
        // Served rows are looked for from a minute before the window, as in Postgres' query: see PredictionAnalytics.
        var rows = await ReadAsync(model, from - PredictionAggregation.ServedLookBack, to, versions, cancellationToken);
        return PredictionAggregation.Agreement(rows, from);
    }

    private Task<List<LoggedPrediction>> ReadAsync(
        string model, DateTimeOffset from, DateTimeOffset to, int[]? versions, CancellationToken cancellationToken)
    {
        var rows = db.Predictions.AsNoTracking().Where(row => row.Model == model && row.CreatedAt >= from && row.CreatedAt < to);
        if (versions is not null)
        {
            rows = rows.Where(row => versions.Contains(row.ModelVersion));
        }
        return DatabaseDeadline.RunAsync(token => rows
            .Select(row => new LoggedPrediction(row.CreatedAt, row.ModelVersion, row.Shadow, row.Outcome, row.Label, row.Cached,
                row.LatencyMs, row.TraceId, row.InputHash))
            .ToListAsync(token), cancellationToken);
    }
}
