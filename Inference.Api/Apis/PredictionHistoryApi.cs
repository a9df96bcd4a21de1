using System.Globalization;
using Inference.Api.Data;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Inference.Api.Apis;

/// <summary>One logged prediction as the history lists it.</summary>
public sealed record PredictionView(
    long Id,
    DateTimeOffset CreatedAt,
    string Model,
    int Version,
    string Route,
    string Outcome,
    string? Label,
    float Score,
    double InferenceTimeMs,
    double LatencyMs,
    bool Cached,
    bool Shadow,
    string? KeyId,
    string InputHash,
    string? InputPreview,
    string? TraceId)
{
    public static PredictionView From(PredictionRecord record) => new(record.Id, record.CreatedAt, record.Model, record.ModelVersion,
        record.Route, record.Outcome, record.Label, record.Score, record.InferenceTimeMs, record.LatencyMs, record.Cached, record.Shadow,
        record.KeyId, record.InputHash, record.InputPreview, record.TraceId);
}

/// <summary>A page of the prediction log, newest first; <c>next</c> is the following page's URL while more may follow.</summary>
public sealed record PredictionPage(IReadOnlyList<PredictionView> Items, string? Next);

/// <summary>The query string of <c>GET /api/admin/predictions</c>.</summary>
public sealed record PredictionHistoryQuery(
    string? Model, int? Version, string? Label, DateTimeOffset? From, DateTimeOffset? To, string? Status, string? KeyId, bool? Shadow,
    string? Before, int? Limit, string? Format)
{
    public PredictionFilter Filter => new(Model, Version, Label, From, To, Status, KeyId, Shadow);
}

/// <summary>The prediction log (admin scope): filtered, keyset-paged, or streamed as CSV.</summary>
public static class PredictionHistoryApi
{
    public const string CsvContentType = "text/csv";
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapPredictionHistoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/admin/predictions", GetPredictions).WithTags("Prediction log").RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin)
            .WithName("ListPredictions")
            .WithSummary("The prediction log, newest first")
            .WithDescription("Filters: model, version, label, from, to (ISO 8601), status (success, error or an error kind such as InvalidInput), "
                + $"keyId, shadow. Pages of 'limit' (default {DefaultPageSize}, at most {MaxPageSize}) through 'before' (the 'next' URL's cursor). "
                + "format=csv streams every matching row as a download.")
            .Produces(StatusCodes.Status200OK, contentType: CsvContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<PredictionPage>, PushStreamHttpResult, ProblemHttpResult>> GetPredictions(
        [AsParameters] PredictionHistoryQuery query, PredictionHistory history, CancellationToken cancellationToken)
    {
        if (query.From is { } from && query.To is { } to && from >= to)
        {
            return BadRequest($"'from' must be before 'to' (from={from:O}, to={to:O}).");
        }
        if (query.Version is < 0)
        {
            return BadRequest($"version must be a positive number, not {query.Version}.");
        }

        switch (query.Format?.ToLowerInvariant())
        {
            case "csv":
                return TypedResults.Stream(body => PredictionCsv.WriteAsync(body, history.StreamAsync(query.Filter, cancellationToken), cancellationToken),
                    CsvContentType, "predictions.csv");
            case null or "json":
                PredictionCursor? cursor = null;
                if (query.Before is not null)
                {
                    if (!TryParseCursor(query.Before, out var parsed))
                    {
                        return BadRequest($"'before' must be a cursor from a 'next' URL, not '{query.Before}'.");
                    }
                    cursor = parsed;
                }

                var size = Math.Clamp(query.Limit ?? DefaultPageSize, 1, MaxPageSize);
                var records = await history.PageAsync(query.Filter, cursor, size, cancellationToken);
                var next = records.Count == size ? NextPage(query, records[^1], size) : null;
                return TypedResults.Ok(new PredictionPage([.. records.Select(PredictionView.From)], next));
            default:
                return BadRequest($"format must be json or csv, not '{query.Format}'.");
        }
    }

    /// <summary>The cursor is the last row's creation time in microseconds since the epoch (Postgres' precision) and its id.</summary>
    private static string Cursor(PredictionRecord record) =>
        string.Create(CultureInfo.InvariantCulture, $"{(record.CreatedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10}_{record.Id}");

    private static bool TryParseCursor(string text, out PredictionCursor cursor)
    {
        cursor = default;
        var parts = text.Split('_');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || microseconds > (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10)
        {
            return false;
        }
        cursor = new PredictionCursor(DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10), id);
        return true;
    }

    private static string NextPage(PredictionHistoryQuery query, PredictionRecord last, int size)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["model"] = query.Model,
            ["version"] = query.Version?.ToString(CultureInfo.InvariantCulture),
            ["label"] = query.Label,
            ["from"] = query.From?.ToString("O"),
            ["to"] = query.To?.ToString("O"),
            ["status"] = query.Status,
            ["keyId"] = query.KeyId,
            ["shadow"] = query.Shadow?.ToString().ToLowerInvariant(),
            ["before"] = Cursor(last),
            ["limit"] = size.ToString(CultureInfo.InvariantCulture),
        };
        return QueryHelpers.AddQueryString("/api/admin/predictions", parameters.Where(pair => pair.Value is not null));
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid prediction log query");
}
