using System.Globalization;
using Inference.Engine.Errors;

namespace Inference.Api.OpenInference;

/// <summary>The protocol carries model versions as strings; the repository numbers them.</summary>
public static class ProtocolVersions
{
    /// <summary>Null for an empty version (the server's choice); a version that is not a number names no version.</summary>
    public static int? Parse(string model, string? version) =>
        string.IsNullOrEmpty(version) ? null
        : int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
        : throw InferenceException.ModelNotFound($"Model '{model}' has no version '{version}'; versions are positive numbers.");
}
