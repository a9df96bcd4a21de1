namespace Inference.Dashboard.Services;

/// <summary>The JSON body of <c>POST /api/jobs</c>: one item per text.</summary>
public sealed record BatchJobRequest(string Model, int? Version, IReadOnlyList<string> Items);

/// <summary>A job's state and progress.</summary>
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
    string? OwnerKeyId = null,
    string? OwnerKeyName = null,
    string? Waiting = null)
{
    /// <summary>Queued or running: worth polling, and can be cancelled.</summary>
    public bool IsActive => State is "queued" or "running";
}

/// <summary>One item's outcome.</summary>
public sealed record BatchJobResultItem(int Index, bool Succeeded, string? Label, double? Score, string? Error, int Attempts, string? Input);

/// <summary>A page of a job's results in item order.</summary>
public sealed record BatchJobResultsPage(Guid JobId, string State, int TotalItems, IReadOnlyList<BatchJobResultItem> Items, string? Next);
