using System.Net.Http.Headers;

namespace Inference.Dashboard.Services;

public sealed partial class InferenceApiClient
{
    /// <summary>Lists every model the API knows, servable or not, with each version's state.</summary>
    public async Task<IReadOnlyList<ModelSummary>> GetModelsAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/models");
        return await SendAsync<List<ModelSummary>>(request, cancellationToken);
    }

    /// <summary>The cumulative statistics of a model's loaded versions (<c>/v2/models/{name}/stats</c>).</summary>
    public async Task<IReadOnlyList<ModelVersionStatistics>> GetModelStatisticsAsync(string model, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/models/{Uri.EscapeDataString(model)}/stats");
        var statistics = await SendAsync<ModelStatisticsResponse>(request, cancellationToken);
        return statistics.ModelStats;
    }

    /// <summary>Loads (or reloads) a model from its folder; the API answers 400 with the reason when it can't.</summary>
    public async Task<ModelSummary> LoadModelAsync(string model, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/models/{Uri.EscapeDataString(model)}/load");
        return await SendAsync<ModelSummary>(request, cancellationToken);
    }

    /// <summary>Stops serving a model; requests already queued still complete.</summary>
    public async Task UnloadModelAsync(string model, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/models/{Uri.EscapeDataString(model)}/unload");
        await SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Adds a new version of a model: the ONNX file and the version's other files stream to the API, which serves the version
    /// only once it has loaded (400 with the reason otherwise).
    /// </summary>
    public async Task<ModelVersionAdded> UploadModelVersionAsync(
        string model, UploadedFile onnx, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken = default)
    {
        var form = new MultipartFormDataContent { { FileContent(onnx), "model", onnx.FileName } };
        foreach (var file in files)
        {
            form.Add(FileContent(file), "files", file.FileName);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/models/{Uri.EscapeDataString(model)}/versions") { Content = form };
        return await SendAsync<ModelVersionAdded>(request, cancellationToken);
    }

    private static StreamContent FileContent(UploadedFile file)
    {
        var content = new StreamContent(file.Content);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }
}
