namespace Inference.Api.OpenInference;

/// <summary>Settings under <c>OpenInference:</c> for the Open Inference Protocol routes.</summary>
public sealed class OpenInferenceOptions
{
    public const string SectionName = "OpenInference";

    /// <summary>The largest inference request body accepted (JSON header plus binary tensor data); larger ones get 413.</summary>
    public long MaxRequestBytes { get; set; } = 64 * 1024 * 1024;
}
