using System.Diagnostics;
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
    /// <summary>Refuses a text prediction its model cannot start within the queue-time budget (Overloaded, with a Retry-After).</summary>
    public void CheckTextAdmission(ServingCall call) =>
        CheckAdmission(call with { Model = call.Model ?? options.Value.DefaultTextModel }, engine.ResolveTextModel, rawTensors: false);

    /// <summary>As <see cref="CheckTextAdmission"/>, for an image upload, before it is read.</summary>
    public void CheckImageAdmission(ServingCall call) =>
        CheckAdmission(call with { Model = call.Model ?? options.Value.DefaultImageModel }, engine.ResolveImageModel, rawTensors: false);

    /// <summary>As <see cref="CheckTextAdmission"/>, for raw tensors (the protocol's raw-tensor queue), before they are read.</summary>
    public void CheckTensorAdmission(ServingCall call) =>
        CheckAdmission(call, (name, version) => engine.ResolveModel(name!, version), rawTensors: true);

    private void CheckAdmission(ServingCall call, Func<string?, int?, ModelVersion> resolve, bool rawTensors)
    {
        var started = Stopwatch.GetTimestamp();
        ModelVersion model;
        try
        {
            model = resolve(call.Model, router.Route(call.Model!, call.Version, call.StickyId).Version);
        }
        catch (InferenceException)
        {
            // An unknown model or version, or one of another task: the serving path answers it in its own words.
            return;
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
    }
}
