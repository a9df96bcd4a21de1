using System.Globalization;
using Inference.Engine.Errors;

namespace Inference.Api.OpenInference;

/// <summary>The protocol carries model versions as strings; the repository numbers them.</summary>
public static class ProtocolVersions
{
    /// <summary>
    /// Null for an empty version (the server's choice); otherwise a positive integer, or an invalid argument, as Triton
    /// answers a version string it cannot parse. Both transports parse versions here.
    /// </summary>
    public static int? Parse(string? version) =>
        TryParse(version, out var number)
            ? number
            : throw InferenceException.InvalidInput($"Model version '{version}' is not a positive integer.");

    public static bool TryParse(string? version, out int? number)
    {
        number = null;
        if (string.IsNullOrEmpty(version))
        {
            return true;
        }
        if (int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
        {
            number = parsed;
            return true;
        }
        return false;
    }
}
