using Microsoft.AspNetCore.Http;

namespace Inference.Dashboard.Services;

public sealed partial class InferenceApiClient
{
    /// <summary>One page of the prediction log, newest first; <paramref name="before"/> is the cursor of the page's <c>next</c> link.</summary>
    public async Task<PredictionPage> GetPredictionsAsync(
        PredictionQuery query, string? before, int limit, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/predictions" + query.ToQueryString(before, limit, format: null));
        return await SendAsync<PredictionPage>(request, cancellationToken);
    }

    /// <summary>The prediction log as CSV, with its body unread so that it streams on; the caller disposes it.</summary>
    public Task<HttpResponseMessage> OpenPredictionsCsvAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/predictions" + query.ToQueryString(before: null, limit: null, format: "csv"));
        return OpenAsync(request, cancellationToken);
    }
}
