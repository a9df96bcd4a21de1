using System.Diagnostics;
using Inference.Api.Routing;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;

namespace Inference.Api.Serving;

/// <summary>
/// Admission at the door: the transports ask before they read an upload or tensors, and before the cache, the tokenizer
/// or the engine do any work, whether the model's batcher would refuse the request. Under overload a refusal then costs
/// a route, a lookup and the error answer; the engine checks again as the request enqueues.
/// </summary>
public sealed partial class InferenceService
{
    /// <summary>
    /// Refuses a text prediction its model cannot start within the queue-time budget (Overloaded, with a Retry-After).
    /// Returns the traffic split's choice it checked, for the serving path to keep (<see cref="ServingCall.Routed"/>);
    /// null when no split chose (an explicit version, or no split: routing again gives the same answer at no cost) or the
    /// model or version is not one this path can resolve (the serving path refuses it in its own words).
    /// </summary>
    public TrafficDecision? CheckTextAdmission(ServingCall call) =>
        CheckAdmission(call with { Model = call.Model ?? options.Value.DefaultTextModel }, engine.ResolveTextModel, rawTensors: false);

    /// <summary>As <see cref="CheckTextAdmission"/>, for an image upload, before it is read.</summary>
    public TrafficDecision? CheckImageAdmission(ServingCall call) =>
        CheckAdmission(call with { Model = call.Model ?? options.Value.DefaultImageModel }, engine.ResolveImageModel, rawTensors: false);

    /// <summary>As <see cref="CheckTextAdmission"/>, for raw tensors (the protocol's raw-tensor queue), before they are read.</summary>
    public TrafficDecision? CheckTensorAdmission(ServingCall call) =>
        CheckAdmission(call, (name, version) => engine.ResolveModel(name!, version), rawTensors: true);

    private TrafficDecision? CheckAdmission(ServingCall call, Func<string?, int?, ModelVersion> resolve, bool rawTensors)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = router.Route(call.Model!, call.Version, call.StickyId);
        ModelVersion model;
        try
        {
            model = resolve(call.Model, decision.Version);
        }
        catch (InferenceException)
        {
            // An unknown model or version, or one of another task: the serving path answers it in its own words.
            return null;
        }

        try
        {
            model.CheckAdmission(call.Priority, rawTensors);
        }
        catch (InferenceException exception)
        {
            // Counted and logged as a refusal on the serving path is: the request counter, the statistics and the log agree.
            engine.RecordFailedRequest(model, exception.Kind, Stopwatch.GetElapsedTime(started));
            if (call.Logged && log.Enabled)
            {
                log.Add(PredictionRecords.Classification(call, model.Name, model.Version, inputHash: "", preview: null, started, result: null,
                    cached: false, PredictionRecords.OutcomeOf(exception), shadow: false));
            }
            throw;
        }
        // Only a split's choice may differ when drawn again; anything else is not worth keeping per request.
        return decision == new TrafficDecision(call.Version, null) ? null : decision;
    }
}
