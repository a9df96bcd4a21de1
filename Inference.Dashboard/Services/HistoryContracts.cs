using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Inference.Dashboard.Services;

/// <summary>One logged prediction.</summary>
public sealed record PredictionView(
    long Id,
    DateTimeOffset CreatedAt,
    string Model,
    int Version,
    string Route,
    string Outcome,
    string? Label,
    double Score,
    double InferenceTimeMs,
    double LatencyMs,
    bool Cached,
    bool Shadow,
    string? KeyId,
    string InputHash,
    string? InputPreview,
    string? TraceId);

/// <summary>A page of the prediction log; <see cref="Next"/> is the following page's URL while more may follow.</summary>
public sealed record PredictionPage(IReadOnlyList<PredictionView> Items, string? Next)
{
    /// <summary>The <c>before</c> cursor of <see cref="Next"/>, or null on the last page.</summary>
    public string? NextCursor =>
        Next?.IndexOf('?') is int start and >= 0 && QueryHelpers.ParseQuery(Next[start..]).TryGetValue("before", out var before)
            ? before.ToString()
            : null;
}

/// <summary>The filters of the prediction log; empty fields filter nothing. <see cref="Status"/> is success, error or an error kind.</summary>
public sealed record PredictionQuery(
    string? Model = null, int? Version = null, string? Label = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    string? Status = null, string? KeyId = null)
{
    /// <summary>The API's query string for these filters, one page or an export.</summary>
    public QueryString ToQueryString(string? before, int? limit, string? format)
    {
        var query = new Dictionary<string, string?>
        {
            ["model"] = Blank(Model),
            ["version"] = Version?.ToString(CultureInfo.InvariantCulture),
            ["label"] = Blank(Label),
            ["from"] = From?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["to"] = To?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["status"] = Blank(Status),
            ["keyId"] = Blank(KeyId),
            ["before"] = before,
            ["limit"] = limit?.ToString(CultureInfo.InvariantCulture),
            ["format"] = format,
        };
        return QueryString.Create(query.Where(pair => pair.Value is not null));
    }

    /// <summary>The filters from a query string (the dashboard's CSV download link carries them).</summary>
    public static PredictionQuery FromQuery(IQueryCollection query) => new(
        Blank(query["model"]),
        int.TryParse(query["version"], NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null,
        Blank(query["label"]),
        DateTimeOffset.TryParse(query["from"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from) ? from : null,
        DateTimeOffset.TryParse(query["to"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var to) ? to : null,
        Blank(query["status"]),
        Blank(query["keyId"]));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
