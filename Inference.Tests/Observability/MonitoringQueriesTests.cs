using System.Text.Json;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Inference.Tests.Observability;

/// <summary>The Grafana dashboard's and the alert rules' PromQL, evaluated by a real Prometheus on the API's real series.</summary>
[Collection(ObservabilityCollection.Name)]
public sealed class MonitoringQueriesTests(ObservabilityFixture fixture)
{
    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string Deploy(params string[] path) => Path.Combine([TestPaths.RepositoryRoot, "deploy", .. path]);

    [Fact]
    public async Task EveryDashboardExpressionIsValidAndAnswersWithData()
    {
        await MakeTrafficAsync();
        var expressions = DashboardExpressions();
        Assert.NotEmpty(expressions);

        foreach (var (panel, expression) in expressions)
        {
            var query = Concrete(expression);
            if (panel.StartsWith("GPU", StringComparison.Ordinal))
            {
                // No CUDA on this machine: valid, and absent rather than zero.
                Assert.Empty(await fixture.Prometheus.QueryAsync(query, Cancellation));
                continue;
            }
            await Eventually.PollAsync(token => fixture.Prometheus.QueryAsync(query, token), results => results.Length > 0, DataTimeout,
                _ => $"panel '{panel}' has no data for: {query}", Cancellation, TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task EveryAlertExpressionIsValidAndLoadedIntoPrometheus()
    {
        var alerts = AlertExpressions();
        Assert.Equal(8, alerts.Count);
        foreach (var (_, expression) in alerts)
        {
            await fixture.Prometheus.QueryAsync(expression, Cancellation);
        }

        using var rules = JsonDocument.Parse(await fixture.Prometheus.Client.GetStringAsync("/api/v1/rules", Cancellation));
        var loaded = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .ToDictionary(rule => rule.GetProperty("name").GetString()!, rule => rule.GetProperty("health").GetString());
        Assert.Equal(alerts.Keys.Order(), loaded.Keys.Order());
        // Every rule evaluated without an error (the earlier tests' bad requests may rightly make the error ratio pend).
        await Eventually.PollAsync(async token =>
        {
            using var document = JsonDocument.Parse(await fixture.Prometheus.Client.GetStringAsync("/api/v1/rules", token));
            return document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
                .SelectMany(group => group.GetProperty("rules").EnumerateArray())
                .Select(rule => $"{rule.GetProperty("name").GetString()}={rule.GetProperty("health").GetString()}")
                .ToArray();
        }, states => states.All(state => state.EndsWith("=ok", StringComparison.Ordinal)), DataTimeout,
            states => string.Join(", ", states), Cancellation, TimeSpan.FromSeconds(1));
    }

    /// <summary>Predictions (one cached), a failure, a job: enough for every panel's series to exist.</summary>
    private async Task MakeTrafficAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await ServingTraffic.PredictTextAsync(fixture.Api, $"Dashboard review {tag}: wonderful.");
        await ServingTraffic.PredictTextAsync(fixture.Api, $"Dashboard review {tag}: wonderful.");
        await ServingTraffic.InferRestAsync(fixture.Api, valid: false);
        await ServingTraffic.RunJobAsync(fixture.Api, 2, tag);
    }

    /// <summary>Grafana's variables as a query of every model and version would have them.</summary>
    private static string Concrete(string expression) => expression
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$model", ".*", StringComparison.Ordinal)
        .Replace("$version", ".*", StringComparison.Ordinal);

    private static List<(string Panel, string Expression)> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Deploy("grafana", "dashboards", "inference-api.json")));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray()
                .Select(target => (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!)))];
    }

    /// <summary>Each alert's name and <c>expr</c> from alerts.yaml.</summary>
    private static Dictionary<string, string> AlertExpressions()
    {
        var rules = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).IgnoreUnmatchedProperties().Build()
            .Deserialize<RuleFile>(File.ReadAllText(Deploy("prometheus", "alerts.yaml")));
        return rules.Groups.SelectMany(group => group.Rules).ToDictionary(rule => rule.Alert, rule => rule.Expr);
    }

    private sealed class RuleFile
    {
        public List<RuleGroup> Groups { get; set; } = [];
    }

    private sealed class RuleGroup
    {
        public List<AlertRule> Rules { get; set; } = [];
    }

    private sealed class AlertRule
    {
        public string Alert { get; set; } = "";

        public string Expr { get; set; } = "";
    }
}
