using System.Net.Http.Json;
using System.Text.Json;

namespace Inference.Benchmarks;

/// <summary>What the seed 004 case measured: the four models in one API process.</summary>
/// <param name="Answers">Per model, the route it answered on and what it answered.</param>
/// <param name="PeakWhileLoading">VmHWM before the load: the peak of loading and warming the models.</param>
/// <param name="PeakUnderLoad">VmHWM after the mixed load, counted from the resident size before it; null where it could not be reset.</param>
public sealed record Seed004Results(
    IReadOnlyList<ModelFile> ModelFiles,
    IReadOnlyList<string> Answers,
    long ResidentAtReady,
    long PeakWhileLoading,
    long? PeakUnderLoad,
    ApiScenario Load,
    IReadOnlyList<TokenizationResult> Tokenization,
    string ExecutionProvider,
    TimeSpan StartToReady);

/// <summary>
/// Seed 004 in one process: its four models at their real sizes (three RoBERTa-base, one BART-large) served by one API,
/// with no other model. The seed's own setup ran out of memory with them; this case reports what the API holds.
/// </summary>
public sealed partial class BenchmarkRun
{
    // Bodies per model, far more than a short mixed load sends (tens of requests a second).
    private const int Seed004BodiesPerModel = 10_000;
    // Two requests in flight per model: more, and a batch of zero-shot hypotheses on BART-large outlasts the 1 s
    // queue-time budget on two cores, so the load would measure refusals rather than the memory of serving.
    private const int Seed004Concurrency = 8;
    private static readonly string[] CandidateLabels = ["billing", "delivery", "praise"];

    public async Task<Seed004Results> RunSeed004Async(CancellationToken cancellationToken)
    {
        Console.Error.WriteLine("Seed 004: tokenization per family against a RoBERTa-base run (in this process):");
        var tokenization = TokenizationShare.Measure(
            models.SharedTokenizers, models.Seed004ModelPath(BenchmarkModels.Seed004Sentiment), texts);
        // The session is gone; return its memory before the API starts beside this process.
        GC.Collect();

        Console.Error.WriteLine("Seed 004: the four models in one API process:");
        var dataDirectory = CreateDataDirectory();
        try
        {
            await using var system = await RunningSystem.StartAsync(
                models, dataDirectory, ProductSettings, options.ShowLogs, cancellationToken, onlyModelRoot: models.Seed004Root);
            Console.Error.WriteLine($"  AppHost ready in {system.CreateToReady.TotalSeconds:F1} s, API process {system.ApiProcessId}");
            var provider = await system.EnsureModelsReadyAsync(BenchmarkModels.Seed004Names, cancellationToken);
            var answers = await CheckAnswersAsync(system.ApiEndpoint, cancellationToken);
            var residentAtReady = system.ResidentBytes();
            var peakWhileLoading = system.PeakResidentBytes();
            var peakReset = ApiProcess.ResetPeakResident(system.ApiProcessId);

            using var load = new LoadGenerator();
            var scenario = await MeasureAsync(load, system, MixedSeed004Requests(system.ApiEndpoint), "all four, in turn", Seed004Concurrency, cancellationToken);
            return new Seed004Results(models.Seed004ModelFiles(), answers, residentAtReady, peakWhileLoading,
                peakReset ? system.PeakResidentBytes() : null, scenario, tokenization, provider, system.StartToReady);
        }
        finally
        {
            DeleteDataDirectory(dataDirectory);
        }
    }

    /// <summary>One request per model through its own route; throws unless each answers as its task should.</summary>
    private async Task<IReadOnlyList<string>> CheckAnswersAsync(Uri apiBase, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = apiBase, Timeout = TimeSpan.FromMinutes(1) };
        var text = texts.Text(0);
        var checks = new (string Model, string Route, object Body, Func<JsonElement, string?> Describe)[]
        {
            (BenchmarkModels.Seed004Sentiment, "api/predict/text", new { model = BenchmarkModels.Seed004Sentiment, text },
                answer => Count(answer, "predictions") == 3 ? $"label {answer.GetProperty("label")}, 3 scores" : null),
            (BenchmarkModels.Seed004Topics, "api/predict/text", new { model = BenchmarkModels.Seed004Topics, text },
                answer => Count(answer, "predictions") == 6 && answer.TryGetProperty("labels", out var labels)
                    ? $"6 sigmoid scores, {labels.GetArrayLength()} of them at or above the threshold" : null),
            (BenchmarkModels.Seed004ZeroShot, "api/predict/zero-shot", new { model = BenchmarkModels.Seed004ZeroShot, text, candidateLabels = CandidateLabels },
                answer => Count(answer, "scores") == CandidateLabels.Length ? $"best label {answer.GetProperty("labels")[0]} of {CandidateLabels.Length}" : null),
            (BenchmarkModels.Seed004Embeddings, "api/predict/embedding", new { model = BenchmarkModels.Seed004Embeddings, text },
                answer => answer.GetProperty("dimensions").GetInt32() == 768 ? "a 768-dimensional vector" : null),
        };
        var answers = new List<string>();
        foreach (var (model, route, body, describe) in checks)
        {
            using var response = await client.PostAsJsonAsync(route, body, cancellationToken);
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            var description = response.IsSuccessStatusCode ? describe(JsonDocument.Parse(content).RootElement) : null;
            if (description is null)
            {
                throw new InvalidOperationException($"{model} did not answer as expected on /{route}: {(int)response.StatusCode} {content}");
            }
            Console.Error.WriteLine($"  {model} on /{route}: {description}");
            answers.Add($"{model} on `/{route}`: {description}");
        }
        return answers;
    }

    private static int Count(JsonElement answer, string property) =>
        answer.TryGetProperty(property, out var items) ? items.GetArrayLength() : -1;

    /// <summary>The four models in turn, each request a different text so none is answered from the cache.</summary>
    private Func<HttpRequestMessage> MixedSeed004Requests(Uri apiBase)
    {
        byte[][] Bodies(Func<string, object> body) =>
            [.. Enumerable.Range(1, Seed004BodiesPerModel).Select(index => JsonSerializer.SerializeToUtf8Bytes(body(texts.Text(index))))];
        return DistinctRequests.RoundRobin(
        [
            DistinctRequests.Text(apiBase, Bodies(text => new { model = BenchmarkModels.Seed004Sentiment, text })),
            DistinctRequests.Text(apiBase, Bodies(text => new { model = BenchmarkModels.Seed004Topics, text })),
            DistinctRequests.Json(apiBase, "api/predict/zero-shot",
                Bodies(text => new { model = BenchmarkModels.Seed004ZeroShot, text, candidateLabels = CandidateLabels })),
            DistinctRequests.Json(apiBase, "api/predict/embedding", Bodies(text => new { model = BenchmarkModels.Seed004Embeddings, text })),
        ]);
    }
}
