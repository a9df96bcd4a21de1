using System.Net.Http.Json;
using System.Text;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Security;

/// <summary>
/// How to call one operation: <see cref="Build"/> prepares a target where the call consumes one (a fresh job to cancel, a
/// fresh key to revoke, a loaded model to unload) and returns the request; <see cref="Restore"/> puts back what the call
/// may have changed.
/// </summary>
public sealed record MatrixRequest(Func<MatrixSubjects, Task<HttpRequestMessage>> Build, Func<MatrixSubjects, Task>? Restore = null);

/// <summary>A request for every REST operation of the matrix, keyed as the table keys its rows.</summary>
public static class MatrixRestRequests
{
    // "[CLS] i loved it [SEP]" in models/sentiment/1/vocab.txt, as the README's example.
    private const string SentimentInfer = """
        {"inputs": [{"name": "input_ids", "shape": [1, 5], "datatype": "INT64", "data": [2, 13, 195, 75, 3]},
                    {"name": "attention_mask", "shape": [1, 5], "datatype": "INT64", "data": [1, 1, 1, 1, 1]}]}
        """;

    public static readonly IReadOnlyDictionary<string, MatrixRequest> All = new Dictionary<string, MatrixRequest>
    {
        ["POST /api/predict/text"] = Fixed(_ => Json(HttpMethod.Post, "/api/predict/text", new { text = "A fine film" })),
        ["POST /api/predict/image"] = Fixed(_ => ImageUpload()),
        // No NLI or encoder model in every fixture: a caller let through reaches the engine and hears "wrong task" (400).
        ["POST /api/predict/zero-shot"] = Fixed(_ => Json(HttpMethod.Post, "/api/predict/zero-shot",
            new { model = "sentiment", text = "A fine film", candidateLabels = new[] { "praise" } })),
        ["POST /api/predict/embedding"] = Fixed(_ => Json(HttpMethod.Post, "/api/predict/embedding", new { model = "sentiment", text = "A fine film" })),
        ["POST /api/models/{name}/tokenize"] = Fixed(_ => Json(HttpMethod.Post, "/api/models/sentiment/tokenize", new { text = "A fine film" })),
        ["GET /api/models"] = Fixed(_ => Get("/api/models")),
        ["GET /api/models/{name}"] = Fixed(_ => Get("/api/models/sentiment")),
        ["POST /api/admin/models/{name}/load"] = Fixed(s => Post($"/api/admin/models/{s.Model}/load")),
        ["POST /api/admin/models/{name}/unload"] = new(async s =>
        {
            await s.LoadModelAsync();
            return Post($"/api/admin/models/{s.Model}/unload");
        }, s => s.LoadModelAsync()),
        // An ONNX file that does not load: an admin is let through and refused by validation (400), so nothing is added.
        ["POST /api/admin/models/{name}/versions"] = Fixed(s => ModelVersionUpload(s.Model)),
        ["GET /api/admin/models/{name}/traffic"] = new(async s =>
        {
            await s.SetSplitAsync();
            return Get($"/api/admin/models/{s.Model}/traffic");
        }, s => s.RemoveSplitAsync()),
        ["PUT /api/admin/models/{name}/traffic"] = new(
            s => Task.FromResult(Json(HttpMethod.Put, $"/api/admin/models/{s.Model}/traffic", new { weights = new Dictionary<string, double> { ["1"] = 100 } })),
            s => s.RemoveSplitAsync()),
        ["DELETE /api/admin/models/{name}/traffic"] = new(async s =>
        {
            await s.SetSplitAsync();
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/admin/models/{s.Model}/traffic");
        }, s => s.RemoveSplitAsync()),
        ["GET /api/admin/analytics/models/{name}"] = Fixed(_ => Get("/api/admin/analytics/models/sentiment")),
        ["GET /api/admin/analytics/models/{name}/compare"] = Fixed(_ => Get("/api/admin/analytics/models/sentiment/compare?a=1&b=2")),
        ["GET /api/admin/audit"] = Fixed(_ => Get("/api/admin/audit?limit=5")),
        ["GET /api/admin/dependencies"] = Fixed(_ => Get("/api/admin/dependencies")),
        ["GET /api/admin/predictions"] = Fixed(_ => Get("/api/admin/predictions?model=sentiment&limit=5")),
        ["GET /api/admin/predictions?format=csv"] = Fixed(_ => Get("/api/admin/predictions?model=sentiment&format=csv")),
        ["GET /api/admin/summary"] = Fixed(_ => Get("/api/admin/summary")),
        ["GET /api/me"] = Fixed(_ => Get("/api/me")),
        ["POST /api/admin/keys"] = Fixed(_ => Json(HttpMethod.Post, "/api/admin/keys", new { name = "matrix created", scopes = new[] { "infer" } })),
        ["GET /api/admin/keys"] = Fixed(_ => Get("/api/admin/keys")),
        ["POST /api/admin/keys/{id}/rotate"] = new(async s => Post($"/api/admin/keys/{await s.NewThrowawayKeyAsync()}/rotate")),
        ["DELETE /api/admin/keys/{id}"] = new(async s => new HttpRequestMessage(HttpMethod.Delete, $"/api/admin/keys/{await s.NewThrowawayKeyAsync()}")),
        ["POST /api/jobs"] = Fixed(_ => Json(HttpMethod.Post, "/api/jobs", new { items = new[] { "A matrix job" } })),
        ["GET /api/jobs"] = Fixed(_ => Get("/api/jobs")),
        ["GET /api/jobs/{id}"] = Fixed(s => Get($"/api/jobs/{s.JobOfA}")),
        ["GET /api/jobs/{id}/results"] = Fixed(s => Get($"/api/jobs/{s.JobOfA}/results")),
        ["GET /api/jobs/{id}/results?format=ndjson"] = Fixed(s => Get($"/api/jobs/{s.JobOfA}/results?format=ndjson")),
        ["GET /api/jobs/{id}/results?format=csv"] = Fixed(s => Get($"/api/jobs/{s.JobOfA}/results?format=csv")),
        ["DELETE /api/jobs/{id}"] = new(async s => new HttpRequestMessage(HttpMethod.Delete, $"/api/jobs/{await s.NewJobOfAAsync()}")),
        ["GET /v2/health/live"] = Fixed(_ => Get("/v2/health/live")),
        ["GET /v2/health/ready"] = Fixed(_ => Get("/v2/health/ready")),
        ["GET /v2"] = Fixed(_ => Get("/v2")),
        ["GET /v2/models/{name}/ready"] = Fixed(_ => Get("/v2/models/sentiment/ready")),
        ["GET /v2/models/{name}/versions/{version}/ready"] = Fixed(_ => Get("/v2/models/sentiment/versions/1/ready")),
        ["GET /v2/models/{name}"] = Fixed(_ => Get("/v2/models/sentiment")),
        ["GET /v2/models/{name}/versions/{version}"] = Fixed(_ => Get("/v2/models/sentiment/versions/1")),
        ["GET /v2/models/{name}/config"] = Fixed(_ => Get("/v2/models/sentiment/config")),
        ["GET /v2/models/{name}/versions/{version}/config"] = Fixed(_ => Get("/v2/models/sentiment/versions/1/config")),
        ["GET /v2/models/stats"] = Fixed(_ => Get("/v2/models/stats")),
        ["GET /v2/models/{name}/stats"] = Fixed(_ => Get("/v2/models/sentiment/stats")),
        ["GET /v2/models/{name}/versions/{version}/stats"] = Fixed(_ => Get("/v2/models/sentiment/versions/1/stats")),
        ["POST /v2/models/{name}/infer"] = Fixed(_ => Raw(HttpMethod.Post, "/v2/models/sentiment/infer", SentimentInfer)),
        ["POST /v2/models/{name}/versions/{version}/infer"] = Fixed(_ => Raw(HttpMethod.Post, "/v2/models/sentiment/versions/1/infer", SentimentInfer)),
        ["POST /v2/repository/index"] = Fixed(_ => Raw(HttpMethod.Post, "/v2/repository/index", "{}")),
        ["POST /v2/repository/models/{name}/load"] = Fixed(s => Raw(HttpMethod.Post, $"/v2/repository/models/{s.Model}/load", "{}")),
        ["POST /v2/repository/models/{name}/unload"] = new(async s =>
        {
            await s.LoadModelAsync();
            return Raw(HttpMethod.Post, $"/v2/repository/models/{s.Model}/unload", "{}");
        }, s => s.LoadModelAsync()),
    };

    private static MatrixRequest Fixed(Func<MatrixSubjects, HttpRequestMessage> build) => new(subjects => Task.FromResult(build(subjects)));

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path) => new(HttpMethod.Post, path);

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) => new(method, path) { Content = JsonContent.Create(body) };

    private static HttpRequestMessage Raw(HttpMethod method, string path, string json) =>
        new(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpRequestMessage ModelVersionUpload(string model)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent("not an ONNX file"u8.ToArray()), "model", "model.onnx" } };
        return new HttpRequestMessage(HttpMethod.Post, $"/api/admin/models/{model}/versions") { Content = form };
    }

    private static HttpRequestMessage ImageUpload()
    {
        var form = new MultipartFormDataContent();
        var image = new ByteArrayContent(File.ReadAllBytes(Path.Combine(TestPaths.ProjectModels, "digits", "samples", "3.png")));
        image.Headers.ContentType = new("image/png");
        form.Add(image, "file", "3.png");
        return new HttpRequestMessage(HttpMethod.Post, "/api/predict/image") { Content = form };
    }
}
