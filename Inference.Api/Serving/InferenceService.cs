using System.Diagnostics;
using System.Text;
using System.Text.Json;
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
    InferenceTelemetry telemetry,
    IOptions<InferenceOptions> options)
{
    public Task<ServedPrediction> PredictTextAsync(ServingCall call, string text, CancellationToken cancellationToken) =>
        PredictTextAsync(call, new TextInput(text), cancellationToken);

    /// <summary>A text or pair; the cache keeps pairs and truncated answers apart from plain texts.</summary>
    public Task<ServedPrediction> PredictTextAsync(ServingCall call, TextInput input, CancellationToken cancellationToken)
    {
        var plain = input.TextPair is null && !input.Truncation;
        var hash = PredictionCache.HashInput(plain ? Encoding.UTF8.GetBytes(input.Text) : JsonSerializer.SerializeToUtf8Bytes(input));
        return PredictAsync(
            call with { Model = call.Model ?? options.Value.DefaultTextModel },
            engine.ResolveTextModel,
            plain ? "text" : "text-input",
            hash,
            call.Logged ? log.Preview(input.Text) : null,
            (model, priority, token) => engine.ClassifyTextAsync(model, input, priority, token),
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
        var served = await ServeAsync(call, resolve, inputKind, inputHash, preview, classify, PredictionSummary.Of, cancellationToken);
        return new ServedPrediction(served.Result, served.Cache);
    }

    /// <summary>
    /// Every answer's path: traffic split, resolution (which refuses a model of another task), cache, engine, log and
    /// shadow copy. <paramref name="summarize"/> says what the log keeps of an answer.
    /// </summary>
    private async Task<ServedAnswer<TResult>> ServeAsync<TResult>(
        ServingCall call,
        Func<string?, int?, ModelVersion> resolve,
        string inputKind,
        string inputHash,
        string? preview,
        Func<ModelVersion, InferencePriority, CancellationToken, Task<TResult>> classify,
        Func<TResult, PredictionSummary> summarize,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = call.Routed ?? router.Route(call.Model!, call.Version, call.StickyId);
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
                var logStarted = Stopwatch.GetTimestamp();
                log.Add(PredictionRecords.Classification(call, model.Name, model.Version, inputHash, preview, started, summarize(result),
                    outcome == CacheOutcome.Hit, error: null, shadow: false));
                telemetry.RecordStageSince(model.Name, RequestStages.Log, logStarted);
            }

            if (decision.ShadowVersion is { } shadowVersion && shadowVersion != model.Version)
            {
                Mirror(call, resolve, shadowVersion, inputHash, preview, classify, summarize);
            }

            return new ServedAnswer<TResult>(result, model.Version, outcome);
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
    private void Mirror<TResult>(
        ServingCall call,
        Func<string?, int?, ModelVersion> resolve,
        int version,
        string inputHash,
        string? preview,
        Func<ModelVersion, InferencePriority, CancellationToken, Task<TResult>> classify,
        Func<TResult, PredictionSummary> summarize)
    {
        var traceId = Activity.Current?.TraceId.ToHexString();
        shadow.TryStart(call.Model!, version, async token =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var model = resolve(call.Model, version);
                var result = await classify(model, InferencePriority.Background, token);
                log.Add(PredictionRecords.Classification(call, model.Name, version, inputHash, preview, started, summarize(result), false, null,
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
