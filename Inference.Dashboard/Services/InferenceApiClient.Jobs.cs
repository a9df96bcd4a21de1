using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Inference.Dashboard.Services;

public sealed partial class InferenceApiClient
{
    /// <summary>Submits a job of texts (or base64 images), one item each.</summary>
    public async Task<BatchJobStatus> SubmitJobAsync(
        string model, int? version, IReadOnlyList<string> items, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/jobs")
        {
            Content = JsonContent.Create(new BatchJobRequest(model, version, items)),
        };
        return await SendAsync<BatchJobStatus>(request, cancellationToken);
    }

    /// <summary>Submits a job from a text file (one item a line) or a CSV file (the items in <paramref name="column"/>), streamed.</summary>
    public async Task<BatchJobStatus> SubmitJobFileAsync(
        string model, int? version, string? column, Stream file, string fileName, string? contentType, CancellationToken cancellationToken = default)
    {
        var fileContent = new StreamContent(file);
        fileContent.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            ? mediaType
            : new MediaTypeHeaderValue("text/plain");
        var form = new MultipartFormDataContent { { new StringContent(model), "model" }, { fileContent, "file", fileName } };
        if (version is { } number)
        {
            form.Add(new StringContent(number.ToString(CultureInfo.InvariantCulture)), "version");
        }
        if (!string.IsNullOrWhiteSpace(column))
        {
            form.Add(new StringContent(column.Trim()), "column");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/jobs") { Content = form };
        return await SendAsync<BatchJobStatus>(request, cancellationToken);
    }

    /// <summary>Recent jobs, newest first: the signed-in key's own (every job for an admin key).</summary>
    public async Task<IReadOnlyList<BatchJobStatus>> ListJobsAsync(int limit = 20, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/jobs?limit={limit.ToString(CultureInfo.InvariantCulture)}");
        return await SendAsync<List<BatchJobStatus>>(request, cancellationToken);
    }

    /// <summary>Cancels a job; the API answers 409 when it has already finished.</summary>
    public async Task<BatchJobStatus> CancelJobAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/jobs/{id}");
        return await SendAsync<BatchJobStatus>(request, cancellationToken);
    }

    /// <summary>A page of a job's results in item order, after item <paramref name="after"/>.</summary>
    public async Task<BatchJobResultsPage> GetJobResultsAsync(Guid id, int after, int limit, CancellationToken cancellationToken = default)
    {
        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["after"] = after.ToString(CultureInfo.InvariantCulture),
            ["limit"] = limit.ToString(CultureInfo.InvariantCulture),
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/jobs/{id}/results{query}");
        return await SendAsync<BatchJobResultsPage>(request, cancellationToken);
    }

    /// <summary>Every result of a job as <c>csv</c> or <c>ndjson</c>, with the body unread so that it streams on; the caller disposes it.</summary>
    public Task<HttpResponseMessage> OpenJobResultsAsync(Guid id, string format, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/jobs/{id}/results?format={Uri.EscapeDataString(format)}");
        return OpenAsync(request, cancellationToken);
    }
}
