using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Inference.Dashboard.Services;

public sealed partial class InferenceApiClient
{
    /// <summary>
    /// Classifies a piece of text; a null <paramref name="version"/> lets the model's traffic split choose (sticky by
    /// <paramref name="clientId"/> when given).
    /// </summary>
    public async Task<ServedPrediction> PredictTextAsync(
        string text, string model, int? version = null, string? clientId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/predict/text")
        {
            Content = JsonContent.Create(new TextPredictionRequest(text, model, version, NullIfBlank(clientId))),
        };
        return await PredictAsync(request, cancellationToken);
    }

    /// <summary>
    /// Classifies an image and returns its <paramref name="top"/> best classes. The image is streamed from
    /// <paramref name="image"/> into the multipart body as it is read, never held whole or encoded; so that a retry
    /// can't send a drained stream, this client does not retry POSTs (see DashboardServiceExtensions).
    /// </summary>
    public async Task<ServedPrediction> PredictImageAsync(
        Stream image, string fileName, string? contentType, string model, int? version = null, string? clientId = null, int top = 5,
        CancellationToken cancellationToken = default)
    {
        var query = new Dictionary<string, string?>
        {
            ["model"] = model,
            ["top"] = top.ToString(CultureInfo.InvariantCulture),
            // An empty "version=" is not a number; leaving it out lets the traffic split choose.
            ["version"] = version?.ToString(CultureInfo.InvariantCulture),
            ["clientId"] = NullIfBlank(clientId),
        };

        var imageContent = new StreamContent(image);
        imageContent.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            ? mediaType
            : new MediaTypeHeaderValue("application/octet-stream");

        using var request = new HttpRequestMessage(HttpMethod.Post,
            "api/predict/image" + QueryString.Create(query.Where(pair => pair.Value is not null)))
        {
            Content = new MultipartFormDataContent { { imageContent, "file", fileName } },
        };
        return await PredictAsync(request, cancellationToken);
    }

    private async Task<ServedPrediction> PredictAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var result = await ReadAsync<PredictionResult>(response, cancellationToken);
        var cache = response.Headers.TryGetValues("X-Cache", out var values) ? values.FirstOrDefault() : null;
        return new ServedPrediction(result, cache, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
