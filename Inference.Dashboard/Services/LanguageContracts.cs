namespace Inference.Dashboard.Services;

/// <summary>Body of <c>POST /api/predict/zero-shot</c>.</summary>
public sealed record ZeroShotRequest(string Model, string Text, IReadOnlyList<string> CandidateLabels, bool MultiLabel);

/// <summary>The candidate labels with their scores, best first.</summary>
public sealed record ZeroShotResult(string Model, int Version, string Sequence, IReadOnlyList<string> Labels, IReadOnlyList<double> Scores, double InferenceTimeMs);

/// <summary>Body of <c>POST /api/predict/embedding</c> for one text.</summary>
public sealed record EmbeddingRequest(string Model, string Text);

/// <summary>One vector per text.</summary>
public sealed record EmbeddingResult(string Model, int Version, int Dimensions, IReadOnlyList<float[]> Embeddings, double InferenceTimeMs);

/// <summary>Body of <c>POST /api/models/{name}/tokenize</c>.</summary>
public sealed record TokenizeRequest(string Text);

/// <summary>What the model sees for a text: its token ids and tokens.</summary>
public sealed record TokenizedText(string Model, int Version, IReadOnlyList<long> InputIds, IReadOnlyList<string> Tokens, bool Truncated);
