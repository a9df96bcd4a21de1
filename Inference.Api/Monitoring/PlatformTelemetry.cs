using System.Diagnostics;
using System.Diagnostics.Metrics;
using Inference.Engine.Execution;
using Inference.Engine.Repository;

namespace Inference.Api.Monitoring;

/// <summary>
/// The API's own instruments beside the engine's, on the same "Inference" meter: refusals at the door (rate limits,
/// authentication), the prediction log's progress and the models' load state. Labels stay bounded: policy, reason, model.
/// </summary>
public sealed class PlatformTelemetry
{
    private readonly Counter<long> _rateLimitRefusals;
    private readonly Counter<long> _authenticationFailures;
    private readonly Counter<long> _logWritten;
    private readonly Histogram<double> _logLag;
    private Func<long> _logPending = () => 0;

    public PlatformTelemetry(IMeterFactory meterFactory, ModelRepository repository)
    {
        var meter = meterFactory.Create(InferenceTelemetry.Name);
        _rateLimitRefusals = meter.CreateCounter<long>("inference.ratelimit.refusals", "{request}",
            "Requests refused with 429 by rate-limit policy.");
        _authenticationFailures = meter.CreateCounter<long>("inference.auth.failures", "{request}",
            "Requests refused with 401 (missing or invalid key) or 403 (key lacks the scope), by reason.");
        _logWritten = meter.CreateCounter<long>("inference.predictionlog.written", "{entry}",
            "Prediction log entries stored in Postgres.");
        _logLag = meter.CreateHistogram("inference.predictionlog.lag", "s",
            "Age of the oldest entry of each batch the prediction log stores: how far the log trails the predictions.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        meter.CreateObservableGauge("inference.predictionlog.pending", () => _logPending(), "{entry}",
            "Prediction log entries waiting for the database.");
        meter.CreateObservableGauge("inference.model.ready", () => repository.Models.Select(model => new Measurement<int>(
                model.State == ModelStates.Ready ? 1 : 0, new KeyValuePair<string, object?>("model", model.Name))),
            "{model}", "1 while a model serves (READY), 0 while it is listed but cannot (UNAVAILABLE: failed to load or unloaded).");
    }

    public void RecordRateLimitRefusal(string policy) =>
        _rateLimitRefusals.Add(1, new KeyValuePair<string, object?>("policy", policy));

    /// <summary><paramref name="reason"/> is one of a few fixed words (missing_key, invalid_key, forbidden, throttled), never the key.</summary>
    public void RecordAuthenticationFailure(string reason) =>
        _authenticationFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ObserveLogPending(Func<long> pending) => _logPending = pending;

    public void RecordLogWritten(int count, DateTimeOffset oldest)
    {
        _logWritten.Add(count);
        _logLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - oldest).TotalSeconds));
    }

    /// <summary>The span of one prediction log write: in the first entry's trace, linked to every entry's request.</summary>
    public static Activity? StartLogWrite(IReadOnlyList<Data.PredictionRecord> batch) =>
        InferenceTelemetry.ActivitySource.StartActivity("predictionlog.write", ActivityKind.Internal, batch[0].Origin,
            tags: [new("inference.batch.size", batch.Count)],
            links: batch.Where(record => record.Origin != default).Select(record => new ActivityLink(record.Origin)));
}
