using System.Diagnostics;
using Inference.Api.Caching;
using Inference.Api.Routing;
using Inference.Engine.Execution;
using Inference.Engine.Repository;

namespace Inference.Api.Serving;

public sealed partial class InferenceService
{
    /// <summary>
    /// The span every serving path opens under its HTTP or gRPC server span (or alone, for a job item): the queue wait,
    /// the batch's run and the log write hang below it, tagged with what was decided here.
    /// </summary>
    private static Activity? StartServing(ServingCall call, TrafficDecision decision)
    {
        var activity = InferenceTelemetry.ActivitySource.StartActivity("serve");
        if (activity is not null)
        {
            activity.SetTag("inference.model", call.Model);
            // Why this version: named by the caller, chosen by a traffic split, or the newest loaded.
            activity.SetTag("inference.version_choice", call.Version is not null ? "requested" : decision.Version is not null ? "split" : "latest");
            if (decision.ShadowVersion is { } shadow)
            {
                activity.SetTag("inference.shadow_version", shadow);
            }
        }
        return activity;
    }

    private static void TagServed(Activity? activity, ModelVersion model, CacheOutcome? cache = null)
    {
        activity?.SetTag("inference.version", model.Version);
        if (cache is { } outcome)
        {
            activity?.SetTag("inference.cache", outcome.ToString().ToLowerInvariant());
        }
    }

    private static void TagFailure(Activity? activity, Exception exception) =>
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
}
