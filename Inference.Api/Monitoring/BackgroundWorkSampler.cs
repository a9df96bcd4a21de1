using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Inference.Api.Monitoring;

/// <summary>
/// Records no trace that starts with a call to Postgres, Redis or another service: in this API only background loops
/// make such calls outside a request (the job consumer's XREADGROUP every 250 ms, the traffic-split and key refreshers,
/// retention), and an idle API would otherwise write a trace every few hundred milliseconds. Calls made while serving a
/// request or a job item have a parent and follow it, so a prediction's trace keeps its database and cache spans.
/// </summary>
public sealed class BackgroundWorkSampler : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
        parameters.ParentContext.TraceId == default && parameters.Kind == ActivityKind.Client
            ? new SamplingResult(SamplingDecision.Drop)
            : new SamplingResult(SamplingDecision.RecordAndSample);
}
