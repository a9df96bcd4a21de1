using System.Diagnostics;
using System.Text;
using Inference.Api.Caching;
using Inference.Api.Data;
using Inference.Api.Routing;
using Inference.Engine;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Microsoft.Extensions.Options;

namespace Inference.Api.Serving;

/// <summary>
/// The one serving path, free of any transport: version choice and traffic split, cache, engine (admission, batching,
/// statistics), prediction log (served, failed and shadow requests) and the shadow copy. <c>/api/predict</c>, the Open
/// Inference Protocol over REST and gRPC, and batch jobs all call it; raw tensors are in <c>InferenceService.Tensors.cs</c>.
/// </summary>
public sealed partial class InferenceService(
    InferenceEngine engine,
    TrafficRouter router,
    PredictionCache cache,
    PredictionLog log,
    ShadowTraffic shadow,
    IOptions<InferenceOptions> options)
{
    public Task<ServedPrediction> PredictTextAsync(ServingCall call, string text, CancellationToken cancellationToken)
    {
        var hash = PredictionCache.HashInput(Encoding.UTF8.GetBytes(text));
        return PredictAsync(
            call with { Model = call.Model ?? options.Value.DefaultTextModel },
            engine.ResolveTextModel,
            "text",
            hash,
            call.Logged ? log.Preview(text) : null,
            (model, priority, token) => engine.ClassifyTextAsync(model, text, priority, token),
            cancellationToken);
    }

    /// <summary>Refuses an unknown model or version, or a model of another task, before an upload is read.</summary>
    public void CheckImageModel(string? model, int? version) => engine.ResolveImageModel(model, version);

    public Task<ServedPrediction> PredictImageAsync(ServingCall call, byte[] image, int top, CancellationToken cancellationToken) =>
        PredictAsync(
            call with { Model = call.Model ?? options.Value.DefaultImageModel },
            engine.ResolveImageModel,
            $"image-top{top}",
            PredictionCache.HashInput(image),
            null,
            (model, priority, token) => engine.ClassifyImageAsync(model, image, top, priority, token),
            cancellationToken);

    private async Task<ServedPrediction> PredictAsync(
        ServingCall call,
        Func<string?, int?, ModelVersion> resolve,
        string inputKind,
        string inputHash,
        string? preview,
        Func<ModelVersion, InferencePriority, CancellationToken, Task<ClassificationResult>> classify,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = router.Route(call.Model!, call.Version, call.StickyId);
        using var activity = StartServing(call, decision);
        ModelVersion? model = null;
        try
        {
            model = resolve(call.Model, decision.Version);
            var served = model;
            var (result, outcome) = await cache.GetOrPredictAsync(
                model, inputKind, inputHash, call.UseCache, token => classify(served, call.Priority, token), cancellationToken);
            TagServed(activity, model, outcome);
            if (call.Logged && log.Enabled)
            {
                log.Add(PredictionRecords.Classification(call, model.Name, model.Version, inputHash, preview, started, result,
                    outcome == CacheOutcome.Hit, error: null, shadow: false));
            }

            if (decision.ShadowVersion is { } shadowVersion && shadowVersion != model.Version)
            {
                Mirror(call, resolve, shadowVersion, inputHash, preview, classify);
            }

            return new ServedPrediction(result, outcome);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && call.Logged)
        {
            TagFailure(activity, exception);
            log.Add(PredictionRecords.Classification(call, model?.Name ?? call.Model!, model?.Version ?? decision.Version ?? 0, inputHash,
                preview, started, null, false, PredictionRecords.OutcomeOf(exception), shadow: false));
            throw;
        }
    }

    /// <summary>Runs the request again on the shadow version, in the background; its answer is only logged.</summary>
    private void Mirror(
        ServingCall call,
        Func<string?, int?, ModelVersion> resolve,
        int version,
        string inputHash,
        string? preview,
        Func<ModelVersion, InferencePriority, CancellationToken, Task<ClassificationResult>> classify)
    {
        var traceId = Activity.Current?.TraceId.ToHexString();
        shadow.TryStart(call.Model!, version, async token =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var model = resolve(call.Model, version);
                var result = await classify(model, InferencePriority.Background, token);
                log.Add(PredictionRecords.Classification(call, model.Name, version, inputHash, preview, started, result, false, null,
                    shadow: true, traceId));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                log.Add(PredictionRecords.Classification(call, call.Model!, version, inputHash, preview, started, null, false,
                    PredictionRecords.OutcomeOf(exception), shadow: true, traceId));
                throw;
            }
        });
    }
}
