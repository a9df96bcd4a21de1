using Inference.Dashboard.Services;

namespace Inference.Dashboard.Components.Pages.Traffic;

/// <summary>
/// A traffic split being edited: a weight in percent per loaded version (they must add up to 100), and an optional
/// shadow version that gets a copy of a share of the requests.
/// </summary>
public sealed class SplitDraft
{
    public const double Total = 100;

    public SortedDictionary<int, double> Weights { get; } = [];

    public int? ShadowVersion { get; set; }

    /// <summary>Percent of requests copied to <see cref="ShadowVersion"/>.</summary>
    public double ShadowPercent { get; set; }

    public double Sum => Weights.Values.Sum();

    /// <summary>Why the draft can't be saved, or null when it can.</summary>
    public string? Problem =>
        Weights.Values.Any(weight => weight < 0 || !double.IsFinite(weight)) ? "Weights can't be negative."
        : Math.Abs(Sum - Total) > 0.001 ? $"The weights add up to {Sum:0.##}%; they must add up to {Total:0}%."
        : ShadowVersion is not null && (ShadowPercent <= 0 || ShadowPercent > 100) ? "The shadow share must be between 0 and 100%."
        : null;

    /// <summary>The draft for <paramref name="versions"/>: the current split's weights, or 100% on the newest version.</summary>
    public static SplitDraft For(IReadOnlyList<int> versions, TrafficSplit? current)
    {
        var draft = new SplitDraft();
        var sum = current?.Weights.Values.Sum() ?? 0;
        foreach (var version in versions)
        {
            draft.Weights[version] = current is not null && sum > 0
                ? Math.Round(current.Weights.GetValueOrDefault(version) * Total / sum, 2)
                : version == versions.Max() ? Total : 0;
        }
        draft.ShadowVersion = current?.ShadowVersion;
        draft.ShadowPercent = Math.Round((current?.ShadowShare ?? 0) * 100, 2);
        return draft;
    }

    /// <summary>All traffic to one version: the others get 0.</summary>
    public void Pin(int version)
    {
        foreach (var key in Weights.Keys.ToList())
        {
            Weights[key] = key == version ? Total : 0;
        }
    }

    public TrafficSplitRequest ToRequest() => new(
        Weights.Where(pair => pair.Value > 0).ToDictionary(),
        ShadowVersion,
        ShadowVersion is null ? null : ShadowPercent / 100);
}
