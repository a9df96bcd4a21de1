namespace Inference.Dashboard.Services;

public sealed partial class InferenceApiClient
{
    /// <summary>Scores <paramref name="candidateLabels"/> for a text with an NLI model.</summary>
    public Task<ZeroShotResult> ClassifyZeroShotAsync(string model, string text, IReadOnlyList<string> candidateLabels, bool multiLabel,
        CancellationToken cancellationToken = default) =>
        PostAsync<ZeroShotResult>("api/predict/zero-shot", new ZeroShotRequest(model, text, candidateLabels, multiLabel), cancellationToken);

    /// <summary>The embedding of a text with an encoder (the model's pooling, normalized).</summary>
    public Task<EmbeddingResult> EmbedAsync(string model, string text, CancellationToken cancellationToken = default) =>
        PostAsync<EmbeddingResult>("api/predict/embedding", new EmbeddingRequest(model, text), cancellationToken);

    /// <summary>The tokens and ids a model's newest version sees for a text.</summary>
    public Task<TokenizedText> TokenizeAsync(string model, string text, CancellationToken cancellationToken = default) =>
        PostAsync<TokenizedText>($"api/models/{Uri.EscapeDataString(model)}/tokenize", new TokenizeRequest(text), cancellationToken);

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        return await SendAsync<T>(request, cancellationToken);
    }
}
