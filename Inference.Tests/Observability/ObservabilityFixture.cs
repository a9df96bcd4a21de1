using System.Globalization;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Observability;

/// <summary>The observability tests share one AppHost and run one after another: the idle test needs a quiet API.</summary>
[CollectionDefinition(Name)]
public sealed class ObservabilityCollection : ICollectionFixture<ObservabilityFixture>
{
    public const string Name = "Observability";
}

/// <summary>
/// An AppHost of its own whose API sends its traces over OTLP to <see cref="Traces"/>, a receiver in this process, and a
/// real Prometheus (Debian's package) scraping the API's management port every second, with the alert rules loaded.
/// </summary>
public sealed class ObservabilityFixture : AppHostFixtureBase
{
    public const string ManagementEndpoint = "management";

    public OtlpTraceReceiver Traces { get; } = OtlpTraceReceiver.Start();

    public PrometheusServer Prometheus { get; private set; } = null!;

    /// <summary>The API's management port (<c>/metrics</c>), as Prometheus scrapes it.</summary>
    public Uri ManagementUrl => App.GetEndpoint(ApiResource, ManagementEndpoint);

    protected override TestAppHostOptions Options => new()
    {
        Name = "observability",
        RunsDashboard = false,
        ApiEnvironment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Traces.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Spans leave within a fifth of a second, so a test need not wait long for them.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
        },
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var target = ManagementUrl;
        Prometheus = await PrometheusServer.StartAsync(
            $"{target.Host}:{target.Port.ToString(CultureInfo.InvariantCulture)}",
            Path.Combine(TestPaths.RepositoryRoot, "deploy", "prometheus", "alerts.yaml"),
            TestContext.Current.CancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            Prometheus?.Dispose();
            Traces.Dispose();
        }
        finally
        {
            await base.DisposeAsync();
        }
    }
}
