using System.Diagnostics.Metrics;
using Inference.Api.Serving;
using Inference.Engine.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Inference.Tests.Observability;

/// <summary>The console overview's figures read the engine's instruments: their names and units must match what it listens to.</summary>
public sealed class RecentTrafficTests
{
    [Fact]
    public async Task APredictionsDurationInSecondsShowsAsTheSameLatencyInMilliseconds()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var telemetry = new InferenceTelemetry(meters);
        using var traffic = new RecentTraffic(meters, TimeProvider.System);
        await traffic.StartAsync(TestContext.Current.CancellationToken);

        telemetry.RecordPrediction("model", 1, "success", TimeSpan.FromMilliseconds(250));
        telemetry.RecordPrediction("model", 1, "InvalidArgument", null);

        var window = traffic.Read(RecentTraffic.Retention);
        Assert.Equal(2, window.Predictions);
        Assert.Equal(1, window.Failures);
        // A percentile is its bucket's upper bound, at most 20 % above the true value.
        Assert.InRange(window.LatencyPercentile(0.5) ?? 0, 250, 300);
    }
}
