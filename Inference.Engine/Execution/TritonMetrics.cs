using System.Diagnostics.Metrics;

namespace Inference.Engine.Execution;

/// <summary>
/// Triton's Prometheus families (its user guide's metrics.md), labelled <c>model</c> and <c>version</c>, read from each
/// loaded version's <see cref="ModelStatistics"/> at every scrape: the figures <c>/v2/models/stats</c> reports, so the
/// two always agree and every serving path counts once, where the engine records it. Durations are cumulative
/// microseconds as in Triton; compute input and output are 0 here as in the statistics, because tensors go to ONNX
/// Runtime as they are and the run is the whole compute.
/// </summary>
public sealed class TritonMetrics : IDisposable
{
    /// <summary>Its own meter: only the Prometheus exposition listens, and it keeps these names unchanged.</summary>
    public const string MeterName = "Inference.Triton";

    private readonly Meter _meter;
    private readonly InferenceTelemetry _telemetry;

    public TritonMetrics(IMeterFactory meterFactory, InferenceTelemetry telemetry)
    {
        _telemetry = telemetry;
        _meter = meterFactory.Create(MeterName);
        Counter("nv_inference_request_success", "Number of successful inference requests, all batch sizes",
            statistics => statistics.Success.Count);
        Counter("nv_inference_request_failure", "Number of failed inference requests, all batch sizes",
            statistics => statistics.Fail.Count);
        Counter("nv_inference_count", "Number of inferences performed (does not include cached requests)",
            statistics => statistics.InferenceCount);
        Counter("nv_inference_exec_count", "Number of model executions performed (does not include cached requests)",
            statistics => statistics.ExecutionCount);
        Counter("nv_inference_request_duration_us", "Cumulative inference request duration in microseconds",
            statistics => statistics.Success.Ns / 1000);
        Counter("nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds",
            statistics => statistics.Queue.Ns / 1000);
        Counter("nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds",
            _ => 0);
        Counter("nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds",
            statistics => statistics.ComputeInfer.Ns / 1000);
        Counter("nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds",
            _ => 0);
        _meter.CreateObservableGauge("nv_inference_pending_request_count",
            () => _telemetry.LoadedModels.Select(model => new Measurement<long>(model.QueueDepth, Labels(model))),
            description: "Instantaneous number of pending requests awaiting execution per-model.");
    }

    private void Counter(string name, string description, Func<ModelStatisticsSnapshot, long> value) =>
        _meter.CreateObservableCounter(name,
            () => _telemetry.LoadedModels.Select(model => new Measurement<long>(value(model.Statistics.Snapshot()), Labels(model))),
            description: description);

    private static KeyValuePair<string, object?>[] Labels(IMeasuredModel model) =>
        [new("model", model.Name), new("version", model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    public void Dispose() => _meter.Dispose();
}
