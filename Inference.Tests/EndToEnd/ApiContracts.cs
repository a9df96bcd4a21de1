namespace Inference.Tests.EndToEnd;

// The API's JSON as a client sees it, declared here so a change to the wire format fails these tests.
public sealed record ClassScoreDto(string Label, float Score);

public sealed record PredictionDto(
    string Model,
    int Version,
    string Label,
    float Score,
    ClassScoreDto[] Predictions,
    double InferenceTimeMs,
    bool Cached);

public sealed record ModelDto(string Name, string? Task, string Status, string? Reason, int[] Versions, string[] Labels, string? ExecutionProvider);

public sealed record ProblemDto(string? Title, string? Detail, int? Status);
