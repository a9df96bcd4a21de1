using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Inference.Api.Data;

/// <summary>One version's served (or shadow) predictions over a window.</summary>
/// <param name="ErrorRate">Failed / all requests.</param>
/// <param name="LatencyP50Ms">Percentiles of the time successful requests took to answer (cache hits included).</param>
/// <param name="CacheHitRate">Cache hits / successful requests.</param>
/// <param name="Labels">Successful predictions per label.</param>
/// <param name="ErrorsByKind">Failed requests per error kind (e.g. InvalidInput, Overloaded).</param>
public sealed record VersionStatistics(
    int Version,
    bool Shadow,
    long Count,
    long Errors,
    double ErrorRate,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms,
    long CacheHits,
    double CacheHitRate,
    IReadOnlyDictionary<string, long> Labels,
    IReadOnlyDictionary<string, long> ErrorsByKind);

/// <summary>One version's predictions in one time bucket, for charts.</summary>
public sealed record AnalyticsBucket(DateTimeOffset Start, int Version, bool Shadow, long Count, long Errors, long CacheHits, double? LatencyP95Ms);

/// <summary>
/// Aggregates over the prediction log, computed by Postgres (<c>percentile_cont</c>, <c>date_bin</c>). Every query
/// filters on model and a <c>CreatedAt</c> range, which the (Model, CreatedAt) index serves.
/// </summary>
public sealed partial class PredictionAnalytics(InferenceDbContext db) : IPredictionAnalytics
{
    private const string Window = """ "Model" = @model AND "CreatedAt" >= @from AND "CreatedAt" < @to AND (@versions::int[] IS NULL OR "ModelVersion" = ANY(@versions)) """;

    public async Task<IReadOnlyList<VersionStatistics>> StatisticsAsync(
        string model, DateTimeOffset from, DateTimeOffset to, int[]? versions, CancellationToken cancellationToken)
    {
        var totals = new List<(int Version, bool Shadow, long Count, long Errors, long Hits, double? P50, double? P95, double? P99)>();
        await QueryAsync($"""
            SELECT "ModelVersion", "Shadow", count(*), count(*) FILTER (WHERE "Outcome" <> 'success'), count(*) FILTER (WHERE "Cached"),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY "LatencyMs") FILTER (WHERE "Outcome" = 'success'),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY "LatencyMs") FILTER (WHERE "Outcome" = 'success'),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY "LatencyMs") FILTER (WHERE "Outcome" = 'success')
            FROM predictions WHERE {Window}
            GROUP BY 1, 2
            """, model, from, to, versions, null, reader => totals.Add((reader.GetInt32(0), reader.GetBoolean(1), reader.GetInt64(2),
                reader.GetInt64(3), reader.GetInt64(4), NullableDouble(reader, 5), NullableDouble(reader, 6), NullableDouble(reader, 7))),
            cancellationToken);

        var outcomes = new List<(int Version, bool Shadow, string Outcome, string? Label, long Count)>();
        await QueryAsync($"""
            SELECT "ModelVersion", "Shadow", "Outcome", "Label", count(*)
            FROM predictions WHERE {Window}
            GROUP BY 1, 2, 3, 4
            """, model, from, to, versions, null, reader => outcomes.Add((reader.GetInt32(0), reader.GetBoolean(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4))),
            cancellationToken);

        return [.. totals.OrderBy(total => total.Shadow).ThenBy(total => total.Version).Select(total =>
        {
            var mine = outcomes.Where(outcome => outcome.Version == total.Version && outcome.Shadow == total.Shadow).ToArray();
            var succeeded = total.Count - total.Errors;
            return new VersionStatistics(
                total.Version,
                total.Shadow,
                total.Count,
                total.Errors,
                total.Count == 0 ? 0 : (double)total.Errors / total.Count,
                total.P50,
                total.P95,
                total.P99,
                total.Hits,
                succeeded == 0 ? 0 : (double)total.Hits / succeeded,
                mine.Where(outcome => outcome.Outcome == PredictionOutcomes.Success)
                    .GroupBy(outcome => outcome.Label ?? "").ToDictionary(group => group.Key, group => group.Sum(outcome => outcome.Count)),
                mine.Where(outcome => outcome.Outcome != PredictionOutcomes.Success)
                    .GroupBy(outcome => outcome.Outcome).ToDictionary(group => group.Key, group => group.Sum(outcome => outcome.Count)));
        })];
    }

    public async Task<IReadOnlyList<AnalyticsBucket>> BucketsAsync(
        string model, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken)
    {
        var buckets = new List<AnalyticsBucket>();
        await QueryAsync($"""
            SELECT date_bin(@bucket, "CreatedAt", @from), "ModelVersion", "Shadow", count(*), count(*) FILTER (WHERE "Outcome" <> 'success'),
                   count(*) FILTER (WHERE "Cached"),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY "LatencyMs") FILTER (WHERE "Outcome" = 'success')
            FROM predictions WHERE {Window}
            GROUP BY 1, 2, 3
            ORDER BY 1, 3, 2
            """, model, from, to, null, bucket, reader => buckets.Add(new AnalyticsBucket(
                new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero), reader.GetInt32(1), reader.GetBoolean(2), reader.GetInt64(3),
                reader.GetInt64(4), reader.GetInt64(5), NullableDouble(reader, 6))),
            cancellationToken);
        return buckets;
    }

    private async Task QueryAsync(
        string sql, string model, DateTimeOffset from, DateTimeOffset to, int[]? versions, TimeSpan? bucket, Action<DbDataReader> read,
        CancellationToken cancellationToken)
    {
        // One deadline for opening, running and reading, so a frozen database answers 503 instead of hanging the route.
        await DatabaseDeadline.RunAsync(async token =>
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(token);
            try
            {
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("model", model);
                command.Parameters.AddWithValue("from", from.ToUniversalTime());
                command.Parameters.AddWithValue("to", to.ToUniversalTime());
                command.Parameters.Add(new NpgsqlParameter("versions", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer)
                {
                    Value = versions is null ? DBNull.Value : versions,
                });
                if (bucket is { } interval)
                {
                    command.Parameters.AddWithValue("bucket", interval);
                }

                await using var reader = await command.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    read(reader);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
    }

    private static double? NullableDouble(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Math.Round(reader.GetDouble(ordinal), 3);
}
