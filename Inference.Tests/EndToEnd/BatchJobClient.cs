using System.Net;
using System.Net.Http.Json;

namespace Inference.Tests.EndToEnd;

// The jobs API's JSON as a client sees it.
public sealed record JobDto(
    Guid Id,
    string Model,
    int Version,
    string ItemKind,
    string State,
    int TotalItems,
    int ProcessedItems,
    int SucceededItems,
    int FailedItems,
    double Progress,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? ElapsedSeconds,
    double? ItemsPerSecond,
    string? Error,
    string ResultsUrl)
{
    public bool IsFinished => State is "completed" or "failed" or "cancelled";
}

public sealed record JobResultDto(
    int Index, bool Succeeded, string? Label, float? Score, ClassScoreDto[]? Predictions, string? Error, int Attempts, string? Input,
    double? InferenceTimeMs, string? ProcessedBy, float[]? Embedding = null);

public sealed record JobResultsPageDto(Guid JobId, string State, int TotalItems, JobResultDto[] Items, string? Next);

/// <summary>Submits jobs and follows them over HTTP, the way a client of the API would.</summary>
public static class BatchJobClient
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Short reviews whose sentiment is obvious: even items positive, odd items negative.</summary>
    public static string[] Reviews(int count, string tag = "") =>
        [.. Enumerable.Range(0, count).Select(i => i % 2 == 0
            ? $"Review {i}{tag}: a wonderful film, I loved every minute of it."
            : $"Review {i}{tag}: terrible and boring, a complete waste of money.")];

    public static async Task<JobDto> SubmitAsync(HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/jobs", body, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {text}");
        var job = System.Text.Json.JsonSerializer.Deserialize<JobDto>(text, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Equal($"/api/jobs/{job.Id}", response.Headers.Location?.OriginalString);
        return job;
    }

    public static async Task<JobDto> GetAsync(HttpClient api, Guid id) =>
        (await api.GetFromJsonAsync<JobDto>($"/api/jobs/{id}", Cancellation))!;

    /// <summary>Polls the job until <paramref name="condition"/> holds (by default: it finished).</summary>
    public static Task<JobDto> WaitAsync(HttpClient api, Guid id, TimeSpan timeout, Func<JobDto, bool>? condition = null) =>
        Eventually.PollAsync(_ => GetAsync(api, id), condition ?? (job => job.IsFinished), timeout,
            job => $"job {id} is {job.State} with {job.ProcessedItems}/{job.TotalItems} items", Cancellation);

    /// <summary>Every result, following the pages' <c>next</c> links.</summary>
    public static async Task<List<JobResultDto>> ReadAllResultsAsync(HttpClient api, Guid id, int pageSize = 500)
    {
        var results = new List<JobResultDto>();
        string? next = $"/api/jobs/{id}/results?limit={pageSize}";
        while (next is not null)
        {
            var page = (await api.GetFromJsonAsync<JobResultsPageDto>(next, Cancellation))!;
            results.AddRange(page.Items);
            next = page.Next;
        }
        return results;
    }
}
