namespace Inference.Api.Data;

/// <summary>One served prediction, kept for history and analytics.</summary>
public sealed class PredictionRecord
{
    public long Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string Model { get; set; }

    public int ModelVersion { get; set; }

    /// <summary>Which route served it, e.g. <c>predict/text</c>.</summary>
    public required string Route { get; set; }

    /// <summary>SHA-256 of the input, hex.</summary>
    public required string InputHash { get; set; }

    /// <summary>The start of a text input, for reading the log; null for binary inputs.</summary>
    public string? InputPreview { get; set; }

    public required string Label { get; set; }

    public float Score { get; set; }

    public double InferenceTimeMs { get; set; }

    public bool Cached { get; set; }

    public string? TraceId { get; set; }
}
