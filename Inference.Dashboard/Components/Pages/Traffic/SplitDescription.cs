using System.Globalization;
using System.Text.Json;
using Inference.Dashboard.Services;

namespace Inference.Dashboard.Components.Pages.Traffic;

/// <summary>A split in one line: <c>v1 90% · v2 10% · shadow v3 (5%)</c>.</summary>
public static class SplitDescription
{
    public static string Of(TrafficSplit? split) =>
        split is null ? "No split: the newest version serves everything." : Of(split.Weights, split.ShadowVersion, split.ShadowShare);

    /// <summary>A split as the audit log keeps it (JSON), or "none".</summary>
    public static string Of(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } split)
        {
            return "none";
        }

        var weights = new Dictionary<int, double>();
        if (split.TryGetProperty("weights", out var weightsJson) && weightsJson.ValueKind == JsonValueKind.Object)
        {
            foreach (var weight in weightsJson.EnumerateObject())
            {
                if (int.TryParse(weight.Name, CultureInfo.InvariantCulture, out var version) && weight.Value.ValueKind == JsonValueKind.Number
                    && weight.Value.TryGetDouble(out var value))
                {
                    weights[version] = value;
                }
            }
        }
        int? shadow = split.TryGetProperty("shadowVersion", out var shadowJson) && shadowJson.ValueKind == JsonValueKind.Number
            && shadowJson.TryGetInt32(out var shadowVersion) ? shadowVersion : null;
        var share = split.TryGetProperty("shadowShare", out var shareJson) && shareJson.ValueKind == JsonValueKind.Number
            && shareJson.TryGetDouble(out var shadowShare) ? shadowShare : 0;
        return Of(weights, shadow, share);
    }

    private static string Of(IReadOnlyDictionary<int, double> weights, int? shadowVersion, double shadowShare)
    {
        var sum = weights.Values.Sum();
        var parts = weights.OrderBy(pair => pair.Key)
            .Select(pair => string.Create(CultureInfo.InvariantCulture, $"v{pair.Key} {(sum > 0 ? pair.Value * 100 / sum : 0):0.#}%"))
            .ToList();
        if (shadowVersion is { } shadow)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"shadow v{shadow} ({shadowShare * 100:0.#}%)"));
        }
        return string.Join(" · ", parts);
    }
}
