using System.Diagnostics;
using Inference.Api.OpenInference;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;

namespace Inference.Api.Serving;

public sealed partial class InferenceService
{
    /// <summary>
    /// Raw tensors (the Open Inference Protocol, over REST and gRPC): the version named, else the traffic split's choice,
    /// else the newest; then the engine, the classification extension and the log. <paramref name="decode"/> runs once
    /// the model is known, so a request whose tensors cannot be decoded counts as a failure of that model, whatever the
    /// transport, as Triton counts it.
    /// </summary>
    public async Task<ServedTensors> InferTensorsAsync(ServingCall call, Func<TensorInferenceRequest> decode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call.Model);
        var started = Stopwatch.GetTimestamp();
        var decision = call.Routed ?? router.Route(call.Model, call.Version, call.StickyId);
        using var activity = StartServing(call, decision);
        var model = engine.ResolveModel(call.Model, decision.Version);
        TagServed(activity, model);
        TensorInferenceRequest request;
        try
        {
            request = decode();
        }
        catch (InferenceException exception)
        {
            engine.RecordFailedRequest(model, exception.Kind, Stopwatch.GetElapsedTime(started));
            TagFailure(activity, exception);
            LogTensorFailure(call, model, started, exception);
            throw;
        }

        try
        {
            var outputs = await engine.InferTensorsAsync(model, request.Inputs, request.OutputNames, call.Priority, cancellationToken);
            outputs = request.ApplyClassification(outputs, model);
            if (call.Logged)
            {
                var logStarted = Stopwatch.GetTimestamp();
                log.Add(PredictionRecords.Tensors(call, model, request.Inputs, outputs, started));
                telemetry.RecordStageSince(model.Name, RequestStages.Log, logStarted);
            }
            return new ServedTensors(model.Name, model.Version, request, outputs);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            TagFailure(activity, exception);
            LogTensorFailure(call, model, started, exception, request);
            throw;
        }
    }

    private void LogTensorFailure(ServingCall call, ModelVersion model, long started, Exception exception, TensorInferenceRequest? request = null)
    {
        if (call.Logged)
        {
            log.Add(PredictionRecords.TensorFailure(call, model, request?.Inputs, started, PredictionRecords.OutcomeOf(exception)));
        }
    }
}
