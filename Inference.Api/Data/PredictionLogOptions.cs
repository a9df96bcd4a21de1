namespace Inference.Api.Data;

/// <summary>Settings under <c>Inference:PredictionLog</c>.</summary>
public sealed class PredictionLogOptions
{
    public const string SectionName = "Inference:PredictionLog";

    /// <summary>Off: predictions are neither queued nor written (for measurements without the log).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Keep the start of each text input in the log; off keeps only its SHA-256.</summary>
    public bool InputPreviews { get; set; } = true;

    public int InputPreviewLength { get; set; } = 200;

    /// <summary>Entries waiting for the database; beyond it new entries are counted as dropped.</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>Entries older than this are deleted; 0 keeps everything.</summary>
    public int RetentionDays { get; set; } = 30;

    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}
