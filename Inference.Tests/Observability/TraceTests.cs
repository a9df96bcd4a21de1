using Inference.Tests.EndToEnd;

namespace Inference.Tests.Observability;

/// <summary>What the API exports as traces, read back from the OTLP receiver the fixture's API sends to.</summary>
[Collection(ObservabilityCollection.Name)]
public sealed class TraceTests(ObservabilityFixture fixture)
{
    private static readonly TimeSpan IdlePeriod = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnIdleApiExportsNoTrace()
    {
        // Whatever an earlier test caused has left by now (spans leave within 200 ms; the log writer within a second).
        await Task.Delay(TimeSpan.FromSeconds(5), Cancellation);
        var earlierTraces = fixture.Traces.Spans.Select(span => span.TraceId).ToHashSet();

        // Meanwhile the job consumer polls Redis, refreshers query Postgres, health checks run and Prometheus scrapes.
        await Task.Delay(IdlePeriod, Cancellation);

        // Spans of earlier requests may still arrive (Redis commands are reported in batches, seconds later): only a new trace counts.
        var exported = fixture.Traces.Spans.Where(span => !earlierTraces.Contains(span.TraceId)).ToArray();
        Assert.True(exported.Length == 0, $"An idle API exported {exported.Length} span(s) of new traces: {string.Join("; ", exported.Take(10))}");
    }

    [Fact]
    public async Task OnePredictionExportsOneTraceThatShowsItsPath()
    {
        await Task.Delay(TimeSpan.FromSeconds(3), Cancellation);
        // Redis commands are reported in batches seconds later: spans of earlier requests' traces may still arrive.
        var earlierTraces = fixture.Traces.Spans.Select(span => span.TraceId).ToHashSet();
        ReceivedSpan[] NewTraces() => [.. fixture.Traces.Spans.Where(span => !earlierTraces.Contains(span.TraceId))];

        await ServingTraffic.PredictTextAsync(fixture.Api, $"Traced review {Guid.NewGuid():N}: a moving story.");

        await Eventually.PollAsync(_ => Task.FromResult(NewTraces()), received => received.Any(span => span.Name == "predictionlog.write"),
            ExportTimeout, received => $"no log write among {received.Length} span(s): {string.Join("; ", received)}", Cancellation);
        // Let stragglers of the same request arrive (the COPY under the log write).
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        var spans = NewTraces();

        var traces = spans.Select(span => span.TraceId).Distinct().ToArray();
        Assert.True(traces.Length == 1, $"{traces.Length} traces: {string.Join("; ", spans)}");

        var server = Assert.Single(spans, span => span.Kind == SpanKind.Server);
        Assert.Equal("", server.ParentSpanId);
        Assert.Contains("api/predict/text", server.Name);

        var serve = Assert.Single(spans, span => span.Name == "serve");
        Assert.Equal(server.SpanId, serve.ParentSpanId);
        Assert.Equal(ServingTraffic.Model, serve.Attributes["inference.model"]);
        Assert.Equal("1", serve.Attributes["inference.version"]);
        Assert.Equal("latest", serve.Attributes["inference.version_choice"]);
        Assert.Equal("miss", serve.Attributes["inference.cache"]);

        var queue = Assert.Single(spans, span => span.Name == "queue");
        Assert.Equal(serve.SpanId, queue.ParentSpanId);

        var run = Assert.Single(spans, span => span.Name == "run");
        Assert.Equal(serve.SpanId, run.ParentSpanId);
        Assert.Equal("1", run.Attributes["inference.batch.size"]);
        Assert.Contains(serve.SpanId, run.LinkedSpanIds);

        var write = Assert.Single(spans, span => span.Name == "predictionlog.write");
        Assert.Equal(serve.SpanId, write.ParentSpanId);
        Assert.Contains(serve.SpanId, write.LinkedSpanIds);
    }
}
