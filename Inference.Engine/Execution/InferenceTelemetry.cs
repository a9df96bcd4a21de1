using System.Diagnostics.Metrics;
using System.Diagnostics;

namespace Inference.Engine.Execution;

/// <summary>The product's own meter and activity source, both named "Inference" so the service defaults export them.</summary>
public sealed class InferenceTelemetry : IBatchObserver, IDisposable
{
    public const string Name = "Inference";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _cacheLookups;
    private readonly Counter<long> _logDropped;
    private readonly Counter<long> _shadowRequests;
    private Func<IEnumerable<IMeasuredModel>> _models = () => [];

    public InferenceTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _requests = _meter.CreateCounter<long>("inference.requests", "{request}", "Predictions by model, version and outcome.");
        _requestDuration = _meter.CreateHistogram<double>("inference.duration", "ms",
            "Time from pre-processing to post-processing for one prediction, queue wait included.");
        _queueWait = _meter.CreateHistogram<double>("inference.queue.wait", "ms", "Time a request waited for its batch to start.");
        _batchSize = _meter.CreateHistogram<int>("inference.batch.size", "{request}", "Requests per model run.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
        _cacheLookups = _meter.CreateCounter<long>("inference.cache.lookups", "{request}",
            "Prediction cache lookups by model and result (hit, miss, bypass).");
        _logDropped = _meter.CreateCounter<long>("inference.predictionlog.dropped", "{entry}",
            "Prediction log entries dropped because the queue for the database was full.");
        _shadowRequests = _meter.CreateCounter<long>("inference.shadow.requests", "{request}",
            "Shadow requests by model, version and outcome (success, failed, skipped when every shadow slot was busy).");
        _meter.CreateObservableGauge("inference.queue.depth", () => Measure(model => model.QueueDepth), "{request}",
            "Requests waiting per model version.");
        _meter.CreateObservableGauge("inference.model.memory", () => Measure(model => model.MemoryBytes), "By",
            "Resident memory each loaded model version added.");
        _meter.CreateObservableGauge("inference.model.provider", () => _models().Select(model => new Measurement<int>(1,
            new KeyValuePair<string, object?>("model", model.Name), new KeyValuePair<string, object?>("version", model.Version),
            new KeyValuePair<string, object?>("provider", model.Provider.Actual),
            new KeyValuePair<string, object?>("fallback", model.Provider.FallbackReason is not null))),
            description: "Execution provider each loaded model version runs on (1 per version).");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Where the gauges find the loaded model versions.</summary>
    public void ObserveModels(Func<IEnumerable<IMeasuredModel>> models) => _models = models;

    public void RecordPrediction(string model, int version, string outcome, double? durationMs)
    {
        var tags = new TagList { { "model", model }, { "version", version }, { "outcome", outcome } };
        _requests.Add(1, tags);
        if (durationMs is { } duration)
        {
            _requestDuration.Record(duration, new TagList { { "model", model }, { "version", version } });
        }
    }

    public void RecordCacheLookup(string model, string result) =>
        _cacheLookups.Add(1, new TagList { { "model", model }, { "result", result } });

    public void RecordLogDropped(long count) => _logDropped.Add(count);

    public void RecordShadowRequest(string model, int version, string outcome) =>
        _shadowRequests.Add(1, new TagList { { "model", model }, { "version", version }, { "outcome", outcome } });

    public void BatchStarted(string model, int version, int size, ReadOnlySpan<double> queueWaitsMs)
    {
        var tags = new TagList { { "model", model }, { "version", version } };
        _batchSize.Record(size, tags);
        foreach (var wait in queueWaitsMs)
        {
            _queueWait.Record(wait, tags);
        }
    }

    private IEnumerable<Measurement<long>> Measure(Func<IMeasuredModel, long> value) =>
        _models().Select(model => new Measurement<long>(value(model),
            new KeyValuePair<string, object?>("model", model.Name), new KeyValuePair<string, object?>("version", model.Version)));

    public void Dispose() => _meter.Dispose();
}
