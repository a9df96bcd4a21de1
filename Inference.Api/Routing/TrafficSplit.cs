namespace Inference.Api.Routing;

/// <summary>
/// How a model's requests are shared between its versions: weights (e.g. 90/10; a canary is a small weight) and
/// an optional shadow version that receives a copy of <see cref="ShadowShare"/> of the requests.
/// </summary>
public sealed record TrafficSplit(
    string Model,
    IReadOnlyDictionary<int, double> Weights,
    int? ShadowVersion,
    double ShadowShare,
    DateTimeOffset UpdatedAt)
{
    /// <summary>What is wrong with the split given the model's loaded versions, or null when it can serve.</summary>
    public static string? Validate(
        IReadOnlyDictionary<int, double>? weights, int? shadowVersion, double? shadowShare, IReadOnlyCollection<int> loadedVersions)
    {
        if (weights is null || weights.Count == 0)
        {
            return "'weights' must name at least one version, e.g. {\"1\": 90, \"2\": 10}.";
        }

        foreach (var (version, weight) in weights)
        {
            if (!double.IsFinite(weight) || weight < 0)
            {
                return $"The weight of version {version} must be a finite number ≥ 0, not {weight}.";
            }
        }

        if (weights.Values.Sum() <= 0)
        {
            return "The weights must add up to more than 0.";
        }

        var missing = weights.Keys.Concat(shadowVersion is { } shadow ? [shadow] : []).Where(version => !loadedVersions.Contains(version)).ToArray();
        if (missing.Length > 0)
        {
            return $"Version(s) {string.Join(", ", missing)} are not loaded. Loaded: {string.Join(", ", loadedVersions.Order())}.";
        }

        if (shadowShare is { } share && (!double.IsFinite(share) || share < 0 || share > 1))
        {
            return $"'shadowShare' must be between 0 and 1, not {share}.";
        }

        if (shadowShare > 0 && shadowVersion is null)
        {
            return "'shadowShare' needs a 'shadowVersion' to send the copies to.";
        }

        return null;
    }
}

/// <summary>The version to run (null: the model's default, the newest) and the version to mirror the request to, if any.</summary>
public readonly record struct TrafficDecision(int? Version, int? ShadowVersion);
