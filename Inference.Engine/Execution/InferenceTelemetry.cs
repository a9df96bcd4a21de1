using System.Diagnostics.Metrics;
using System.Diagnostics;

namespace Inference.Engine.Execution;

/// <summary>
/// The product's own meter and activity source, both named "Inference" so the service defaults export them. Durations
/// are in seconds and counters say what they count, so the Prometheus exposition (docs/observability.md) reads
/// <c>inference_request_duration_seconds</c>, <c>inference_requests_total</c> and so on.
/// </summary>
public sealed class InferenceTelemetry : IBatchObserver, IDisposable
{
    public const string Name = "Inference";

    /// <summary>Bucket bounds in seconds from 1 ms to 10 s, so histogram_quantile resolves milliseconds as well as seconds.</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10];

    /// <summary>From 10 µs: most stages (parse, cache, log, serialize) take microseconds, the run and the queue milliseconds.</summary>
    public static readonly IReadOnlyList<double> StageBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _cacheLookups;
    private readonly Counter<long> _admissionRefusals;
    private readonly Counter<long> _abandoned;
    private readonly Counter<long> _logDropped;
    private readonly Counter<long> _shadowRequests;
    private readonly Histogram<double> _loadDuration;
    private readonly Histogram<double> _stageDuration;
    private Func<IEnumerable<IMeasuredModel>> _models = () => [];

    public InferenceTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _requests = _meter.CreateCounter<long>("inference.requests", "{request}", "Predictions by model, version and outcome.");
        _requestDuration = _meter.CreateHistogram("inference.request.duration", "s",
            "Time from pre-processing to post-processing for one successful prediction, queue wait included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _queueDuration = _meter.CreateHistogram("inference.queue.duration", "s", "Time a request waited for its batch to start.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _batchSize = _meter.CreateHistogram<int>("inference.batch.size", "{request}", "Requests per model run.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
        _cacheLookups = _meter.CreateCounter<long>("inference.cache.lookups", "{request}",
            "Prediction cache lookups by model and result (hit, miss, bypass).");
        _admissionRefusals = _meter.CreateCounter<long>("inference.admission.refusals", "{request}",
            "Requests refused with 503 before any work, by reason: over_budget (the estimated queue wait was over the version's " +
            "queue-time budget) or queue_full.");
        _abandoned = _meter.CreateCounter<long>("inference.queue.abandoned", "{request}",
            "Queued requests dropped without running because their caller went away (cancelled or disconnected).");
        _logDropped = _meter.CreateCounter<long>("inference.predictionlog.dropped", "{entry}",
            "Prediction log entries dropped because the queue for the database was full.");
        _shadowRequests = _meter.CreateCounter<long>("inference.shadow.requests", "{request}",
            "Shadow requests by model, version and outcome (success, failed, skipped when every shadow slot was busy).");
        _loadDuration = _meter.CreateHistogram("inference.model.load.duration", "s",
            "Time to load and warm one model version.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        _stageDuration = _meter.CreateHistogram("inference.request.stage.duration", "s",
            "Where one request's time goes, by stage (RequestStages: parse, cache, preprocess, queue, run, postprocess, log, " +
            "serialize). A run is recorded once per request it served, with the whole batch's duration.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StageBuckets });
        _meter.CreateObservableGauge("inference.queue.depth", () => Measure(model => model.QueueDepth), "{request}",
            "Requests waiting per model version.");
        _meter.CreateObservableGauge("inference.model.queue.budget", () => _models()
                .Where(model => model.Batching.Enabled && model.Batching.QueueTimeBudget > TimeSpan.Zero)
                .Select(model => new Measurement<double>(model.Batching.QueueTimeBudget.TotalSeconds,
                    new KeyValuePair<string, object?>("model", model.Name), new KeyValuePair<string, object?>("version", model.Version))),
            "s", "The version's queue-time budget: requests expected to wait longer for their batch are refused with 503.");
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

    /// <summary>The loaded model versions, for meters elsewhere that report on them (e.g. Triton's families).</summary>
    public IEnumerable<IMeasuredModel> LoadedModels => _models();

    public void RecordPrediction(string model, int version, string outcome, TimeSpan? duration)
    {
        var tags = new TagList { { "model", model }, { "version", version }, { "outcome", outcome } };
        _requests.Add(1, tags);
        if (duration is { } elapsed)
        {
            _requestDuration.Record(elapsed.TotalSeconds, new TagList { { "model", model }, { "version", version } });
        }
    }

    public void RequestRefused(string model, int version, AdmissionRefusal reason) =>
        _admissionRefusals.Add(1, new TagList
        {
            { "model", model }, { "version", version }, { "reason", reason == AdmissionRefusal.OverBudget ? "over_budget" : "queue_full" },
        });

    public void RequestAbandoned(string model, int version) =>
        _abandoned.Add(1, new TagList { { "model", model }, { "version", version } });

    public void RecordCacheLookup(string model, string result) =>
        _cacheLookups.Add(1, new TagList { { "model", model }, { "result", result } });

    public void RecordLogDropped(long count) => _logDropped.Add(count);

    public void RecordShadowRequest(string model, int version, string outcome) =>
        _shadowRequests.Add(1, new TagList { { "model", model }, { "version", version }, { "outcome", outcome } });

    public void RecordModelLoad(string model, int version, TimeSpan duration) =>
        _loadDuration.Record(duration.TotalSeconds, new TagList { { "model", model }, { "version", version } });

    /// <summary>One stage of one request (<see cref="RequestStages"/>); a struct TagList, so nothing is allocated here.</summary>
    public void RecordStage(string model, string stage, TimeSpan elapsed) =>
        _stageDuration.Record(elapsed.TotalSeconds, new TagList { { "model", model }, { "stage", stage } });

    /// <summary>The stage from <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) to now.</summary>
    public void RecordStageSince(string model, string stage, long startedTimestamp) =>
        RecordStage(model, stage, Stopwatch.GetElapsedTime(startedTimestamp));

    public void BatchStarted(string model, int version, int size, ReadOnlySpan<double> queueWaitsMs)
    {
        var tags = new TagList { { "model", model }, { "version", version } };
        _batchSize.Record(size, tags);
        var stageTags = new TagList { { "model", model }, { "stage", RequestStages.Queue } };
        foreach (var wait in queueWaitsMs)
        {
            _queueDuration.Record(wait / 1000, tags);
            _stageDuration.Record(wait / 1000, stageTags);
        }
    }

    public void BatchCompleted(string model, int version, int size, double runMs)
    {
        // Every request of the batch waited for the whole run: the stage is the latency each one saw.
        var stageTags = new TagList { { "model", model }, { "stage", RequestStages.Run } };
        for (var request = 0; request < size; request++)
        {
            _stageDuration.Record(runMs / 1000, stageTags);
        }
    }

    private IEnumerable<Measurement<long>> Measure(Func<IMeasuredModel, long> value) =>
        _models().Select(model => new Measurement<long>(value(model),
            new KeyValuePair<string, object?>("model", model.Name), new KeyValuePair<string, object?>("version", model.Version)));

    public void Dispose() => _meter.Dispose();
}
