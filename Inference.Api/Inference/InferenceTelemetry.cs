using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Inference.Api.Inference;

/// <summary>The product's own meter and activity source, both named "Inference" so the service defaults export them.</summary>
public sealed class InferenceTelemetry : IDisposable
{
    public const string Name = "Inference";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _inferenceDuration;

    public InferenceTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _requests = _meter.CreateCounter<long>("inference.requests", "{request}", "Predictions by model, version and outcome.");
        _inferenceDuration = _meter.CreateHistogram<double>("inference.duration", "ms", "Time from pre-processing to post-processing for one prediction.");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    public void RecordPrediction(string model, int version, string outcome, double? durationMs)
    {
        var tags = new TagList { { "model", model }, { "version", version }, { "outcome", outcome } };
        _requests.Add(1, tags);
        if (durationMs is { } duration)
        {
            _inferenceDuration.Record(duration, new TagList { { "model", model }, { "version", version } });
        }
    }

    public void Dispose() => _meter.Dispose();
}
