using Inference.Dashboard.Security;
using Inference.Dashboard.Services;

namespace Inference.Dashboard.Extensions;

/// <summary>
/// Downloads that stream from the API through the dashboard, so that the browser's link carries no key: the dashboard's
/// <see cref="InferenceApiClient"/> sends the signed-in user's key on the way to the API.
/// </summary>
public static class DashboardDownloads
{
    /// <summary>Maps <c>/downloads/jobs/{id}/results.{csv|ndjson}</c> and <c>/downloads/predictions.csv</c>.</summary>
    public static IEndpointRouteBuilder MapDashboardDownloads(this IEndpointRouteBuilder app)
    {
        // Signed-in users only, as the pages that link here; the prediction log is the admin pages' own.
        var downloads = app.MapGroup("downloads").ExcludeFromDescription().RequireAuthorization();
        downloads.MapGet("jobs/{id:guid}/results.{format:regex(^(csv|ndjson)$)}", DownloadJobResults);
        downloads.MapGet("predictions.csv", DownloadPredictions).RequireAuthorization(ConsolePolicies.Admin);
        return app;
    }

    private static async Task DownloadJobResults(
        Guid id, string format, HttpContext context, InferenceApiClient api, CancellationToken cancellationToken) =>
        await RelayAsync(context, token => api.OpenJobResultsAsync(id, format, token), $"job-{id}.{format}", cancellationToken);

    private static async Task DownloadPredictions(HttpContext context, InferenceApiClient api, CancellationToken cancellationToken) =>
        await RelayAsync(context, token => api.OpenPredictionsCsvAsync(PredictionQuery.FromQuery(context.Request.Query), token),
            "predictions.csv", cancellationToken);

    /// <summary>Copies the API's answer to the browser as it arrives; an API refusal becomes a plain-text error of the same status.</summary>
    private static async Task RelayAsync(
        HttpContext context, Func<CancellationToken, Task<HttpResponseMessage>> open, string fileName, CancellationToken cancellationToken)
    {
        HttpResponseMessage upstream;
        try
        {
            upstream = await open(cancellationToken);
        }
        catch (InferenceApiException exception)
        {
            context.Response.StatusCode = exception.StatusCode is { } status ? (int)status : StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(exception.Message, cancellationToken);
            return;
        }

        using (upstream)
        {
            context.Response.ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await using var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(context.Response.Body, cancellationToken);
        }
    }
}
