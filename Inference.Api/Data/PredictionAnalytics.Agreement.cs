namespace Inference.Api.Data;

/// <summary>
/// How often a shadow version's label matched the served version's label on the same request (the two log rows share the
/// request's trace id and input hash). Only pairs where both succeeded count.
/// </summary>
public sealed record ShadowAgreement(int ServedVersion, int ShadowVersion, long Pairs, long Agreements, double AgreementRate);

public sealed partial class PredictionAnalytics
{
    // A copy runs after the served answer, so its row is never older than the served one; the served row is looked for
    // from a minute before the window so that pairs straddling its start still meet.
    private const string AgreementQuery = """
        SELECT served."ModelVersion", shadow."ModelVersion", count(*), count(*) FILTER (WHERE served."Label" = shadow."Label")
        FROM predictions shadow
        JOIN predictions served ON served."TraceId" = shadow."TraceId" AND served."Model" = shadow."Model"
            AND served."InputHash" = shadow."InputHash" AND NOT served."Shadow" AND served."Outcome" = 'success'
            AND served."CreatedAt" >= @from - interval '1 minute' AND served."CreatedAt" < @to
        WHERE shadow."Shadow" AND shadow."Outcome" = 'success' AND shadow."Model" = @model
            AND shadow."CreatedAt" >= @from AND shadow."CreatedAt" < @to
            AND (@versions::int[] IS NULL OR (shadow."ModelVersion" = ANY(@versions) AND served."ModelVersion" = ANY(@versions)))
        GROUP BY 1, 2
        ORDER BY 1, 2
        """;

    /// <summary>Agreement of every (served, shadow) version pair over the window; only <paramref name="versions"/> when given.</summary>
    public async Task<IReadOnlyList<ShadowAgreement>> ShadowAgreementAsync(
        string model, DateTimeOffset from, DateTimeOffset to, int[]? versions, CancellationToken cancellationToken)
    {
        var agreements = new List<ShadowAgreement>();
        await QueryAsync(AgreementQuery, model, from, to, versions, null, reader =>
        {
            var pairs = reader.GetInt64(2);
            var agreed = reader.GetInt64(3);
            agreements.Add(new ShadowAgreement(reader.GetInt32(0), reader.GetInt32(1), pairs, agreed,
                pairs == 0 ? 0 : Math.Round((double)agreed / pairs, 4)));
        }, cancellationToken);
        return agreements;
    }
}
