namespace Inference.Api.Data;

/// <summary>A model's traffic split as stored: one row per model, read by every replica.</summary>
public sealed class TrafficSplitRecord
{
    public required string Model { get; set; }

    /// <summary>JSON object of version to weight, e.g. <c>{"1": 90, "2": 10}</c>.</summary>
    public required string Weights { get; set; }

    public int? ShadowVersion { get; set; }

    public double ShadowShare { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
