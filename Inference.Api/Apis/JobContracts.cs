using System.Text.Json;
using System.Text.Json.Serialization;
using Inference.Api.Data;
using Inference.Api.Jobs;
using Inference.Api.Resilience;
using Inference.Api.Security;
using Inference.Engine.Processing;

namespace Inference.Api.Apis;

/// <summary>
/// A batch job: <c>items</c> are strings (texts, or base64 / data-URI images for an image model) or objects
/// <c>{"text": "..."}</c> / <c>{"image": "..."}</c>. The default text model's newest version is used when none is named.
/// A zero-shot job (an NLI model) gives <c>candidateLabels</c> (and optionally <c>hypothesisTemplate</c>,
/// <c>multiLabel</c>) once for all its items; an embedding job (an encoder) may give <c>pooling</c> and <c>normalize</c>.
/// </summary>
public sealed record BatchJobRequest(
    string? Model,
    int? Version,
    int? Top,
    JsonElement? Items,
    IReadOnlyList<string>? CandidateLabels = null,
    string? HypothesisTemplate = null,
    bool? MultiLabel = null,
    string? Pooling = null,
    bool? Normalize = null)
{
    public JobTaskParameters Parameters => new(CandidateLabels, HypothesisTemplate, MultiLabel, Pooling, Normalize);
}

/// <summary>
/// A job's state and progress, cheap to poll (one row by primary key). <c>waiting</c> is present while an unfinished job
/// cannot progress, and says why: <c>waiting for queue: ...</c> while the job queue (Redis) cannot be reached.
/// </summary>
public sealed record BatchJobStatus(
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
    string ResultsUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OwnerKeyId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OwnerKeyName = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Waiting = null)
{
    /// <summary>
    /// The job as <paramref name="caller"/> may see it: only admins see whose key submitted it (absent: anonymous).
    /// <paramref name="queue"/>: the job queue's state, so that an unfinished job says when it cannot progress.
    /// </summary>
    public static BatchJobStatus For(BatchJob job, ApiCaller caller, DependencyStatus? queue = null)
    {
        var status = From(job) with { Waiting = WaitingFor(job, queue) };
        return caller.IsAdmin ? status with { OwnerKeyId = job.OwnerKeyId, OwnerKeyName = job.OwnerKeyName } : status;
    }

    private static string? WaitingFor(BatchJob job, DependencyStatus? queue) =>
        queue is { State: DependencyState.Down } && !BatchJobStates.IsFinished(job.State)
            ? $"waiting for queue: the job queue (Redis) cannot be reached since {queue.Since:u} ({queue.LastError}); its items run once it is back."
            : null;

    public static BatchJobStatus From(BatchJob job)
    {
        // Elapsed runs from creation, so queueing behind other jobs shows up in the throughput.
        var end = job.FinishedAt ?? DateTimeOffset.UtcNow;
        var elapsed = (end - job.CreatedAt).TotalSeconds;
        return new BatchJobStatus(
            job.Id,
            job.Model,
            job.ModelVersion,
            job.ItemKind,
            job.State,
            job.TotalItems,
            job.ProcessedItems,
            job.ProcessedItems - job.FailedItems,
            job.FailedItems,
            job.TotalItems == 0 ? 1 : Math.Round((double)job.ProcessedItems / job.TotalItems, 4),
            job.CreatedAt,
            job.StartedAt,
            job.FinishedAt,
            Math.Round(elapsed, 3),
            elapsed > 0 && job.ProcessedItems > 0 ? Math.Round(job.ProcessedItems / elapsed, 1) : null,
            job.Error,
            $"/api/jobs/{job.Id}/results");
    }
}

/// <summary>One item's outcome: a prediction (an embedding job's: its vector), or the reason it failed.</summary>
public sealed record BatchJobResultItem(
    int Index,
    bool Succeeded,
    string? Label,
    float? Score,
    IReadOnlyList<ClassScore>? Predictions,
    string? Error,
    int Attempts,
    string? Input,
    double? InferenceTimeMs,
    string? ProcessedBy,
    DateTimeOffset CompletedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Embedding = null)
{
    private static readonly JsonSerializerOptions PredictionJson = new(JsonSerializerDefaults.Web);

    public static BatchJobResultItem From(BatchJobResult result) => new(
        result.ItemIndex,
        result.Succeeded,
        result.Label,
        result.Score,
        result.Predictions is null ? null : JsonSerializer.Deserialize<ClassScore[]>(result.Predictions, PredictionJson),
        result.Error,
        result.Attempts,
        result.InputPreview,
        result.InferenceTimeMs,
        result.ProcessedBy,
        result.CompletedAt,
        result.Embedding);
}

/// <summary>A page of results in item order; <c>next</c> is the next page's URL while more may follow.</summary>
public sealed record BatchJobResultsPage(Guid JobId, string State, int TotalItems, IReadOnlyList<BatchJobResultItem> Items, string? Next);
