using System.Diagnostics;
using Inference.Api.Caching;
using Inference.Api.Data;
using Inference.Api.Routing;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Inference.Engine;
using Microsoft.Extensions.Options;

namespace Inference.Api.Serving;

/// <summary>One request as every transport describes it.</summary>
/// <param name="Route">What served it, for the log (e.g. <c>predict/text</c>, <c>v2/infer</c>).</param>
/// <param name="Model">The model asked for; null for the default model of the task.</param>
/// <param name="Version">An explicit version, which overrides the traffic split.</param>
/// <param name="StickyId">Keeps a caller on one version of a split (a client id, else the API key).</param>
/// <param name="KeyId">The API key's id, for the log; null when anonymous.</param>
/// <param name="UseCache">False when the caller opted out of the cache.</param>
public sealed record PredictionCall(string Route, string? Model, int? Version, string? StickyId, string? KeyId, bool UseCache = true);

/// <summary>The answer and where it came from.</summary>
public sealed record ServedPrediction(ClassificationResult Result, CacheOutcome Cache);

/// <summary>
/// A prediction from request to answer, free of any transport: traffic split, cache, engine, prediction log (served,
/// failed and shadow requests) and the shadow copy. REST, Open Inference Protocol and gRPC handlers all call it.
/// </summary>
public sealed class PredictionRunner(
    InferenceEngine engine,
    TrafficRouter router,
    PredictionCache cache,
    PredictionLog log,
    ShadowTraffic shadow,
    IOptions<InferenceOptions> options)
{
    private const string UnexpectedOutcome = "Unexpected";

    public Task<ServedPrediction> PredictTextAsync(PredictionCall call, string text, CancellationToken cancellationToken)
    {
        var hash = PredictionCache.HashInput(System.Text.Encoding.UTF8.GetBytes(text));
        return PredictAsync(
            call with { Model = call.Model ?? options.Value.DefaultTextModel },
            engine.ResolveTextModel,
            "text",
            hash,
            log.Preview(text),
            (model, priority, token) => engine.ClassifyTextAsync(model, text, priority, token),
            cancellationToken);
    }

    /// <summary>Refuses an unknown model or version, or a model of another task, before an upload is read.</summary>
    public void CheckImageModel(string? model, int? version) => engine.ResolveImageModel(model, version);

    public Task<ServedPrediction> PredictImageAsync(PredictionCall call, byte[] image, int top, CancellationToken cancellationToken) =>
        PredictAsync(
            call with { Model = call.Model ?? options.Value.DefaultImageModel },
            engine.ResolveImageModel,
            $"image-top{top}",
            PredictionCache.HashInput(image),
            null,
            (model, priority, token) => engine.ClassifyImageAsync(model, image, top, priority, token),
            cancellationToken);

    private async Task<ServedPrediction> PredictAsync(
        PredictionCall call,
        Func<string?, int?, ModelVersion> resolve,
        string inputKind,
        string inputHash,
        string? preview,
        Func<ModelVersion, InferencePriority, CancellationToken, Task<ClassificationResult>> classify,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = router.Route(call.Model!, call.Version, call.StickyId);
        ModelVersion? model = null;
        try
        {
            model = resolve(call.Model, decision.Version);
            var (result, outcome) = await cache.GetOrPredictAsync(
                model, inputKind, inputHash, call.UseCache, token => classify(model, InferencePriority.Online, token), cancellationToken);
            if (log.Enabled)
            {
                log.Add(Record(call, model.Name, model.Version, inputHash, preview, started, result, outcome == CacheOutcome.Hit, null, shadow: false));
            }

            if (decision.ShadowVersion is { } shadowVersion && shadowVersion != model.Version)
            {
                Mirror(call, resolve, shadowVersion, inputHash, preview, classify);
            }

            return new ServedPrediction(result, outcome);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Failures count in the error rate: the engine's error kind, or "Unexpected" for anything else (a 500).
            var outcome = exception is InferenceException inferenceError ? inferenceError.Kind.ToString() : UnexpectedOutcome;
            log.Add(Record(call, model?.Name ?? call.Model!, model?.Version ?? decision.Version ?? 0, inputHash, preview, started, null, false,
                outcome, shadow: false));
            throw;
        }
    }

    /// <summary>Runs the request again on the shadow version, in the background; its answer is only logged.</summary>
    private void Mirror(
        PredictionCall call,
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
                log.Add(Record(call, model.Name, version, inputHash, preview, started, result, false, null, shadow: true, traceId));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                var outcome = exception is InferenceException inferenceError ? inferenceError.Kind.ToString() : UnexpectedOutcome;
                log.Add(Record(call, call.Model!, version, inputHash, preview, started, null, false, outcome, shadow: true, traceId));
                throw;
            }
        });
    }

    private static PredictionRecord Record(
        PredictionCall call,
        string model,
        int version,
        string inputHash,
        string? preview,
        long started,
        ClassificationResult? result,
        bool cached,
        string? error,
        bool shadow,
        string? traceId = null) => new()
    {
        CreatedAt = DateTimeOffset.UtcNow,
        Model = model,
        ModelVersion = version,
        Route = call.Route,
        InputHash = inputHash,
        InputPreview = preview,
        Label = result?.Label,
        Score = result?.Score ?? 0,
        InferenceTimeMs = result?.InferenceTimeMs ?? 0,
        LatencyMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3),
        Cached = cached,
        Outcome = error ?? PredictionOutcomes.Success,
        Shadow = shadow,
        KeyId = call.KeyId,
        TraceId = traceId ?? Activity.Current?.TraceId.ToHexString(),
    };
}
