using System.Globalization;
using System.Text.RegularExpressions;

namespace Inference.Tests.Observability;

/// <summary>One scrape of <c>/metrics</c> in Prometheus's text format: each sample by name and label set.</summary>
public sealed partial class MetricsExposition
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public MetricsExposition(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (match.Success)
            {
                var labels = LabelPair().Matches(match.Groups["labels"].Value)
                    .ToDictionary(pair => pair.Groups["name"].Value, pair => pair.Groups["value"].Value);
                _samples.Add((match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
            }
        }
    }

    public string Text { get; }

    /// <summary>The sum over the series of <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        _samples.Where(sample => sample.Name == name && labels.All(label => sample.Labels.GetValueOrDefault(label.Name) == label.Value))
            .Sum(sample => sample.Value);

    public bool Has(string name) => _samples.Any(sample => sample.Name == name);

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(value, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex("(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();
}
