using Inference.Api.Data;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Inference.Engine;

namespace Inference.Api.Jobs;

/// <summary>
/// How one item ended: a result, or an error that either describes the item itself (retrying cannot help) or the
/// moment (model reloading, server overloaded, an unexpected fault), which is worth another attempt.
/// </summary>
public sealed record JobItemOutcome(ClassificationResult? Result, string? Error, bool Retryable)
{
    public static JobItemOutcome Success(ClassificationResult result) => new(result, null, false);

    public static JobItemOutcome PermanentFailure(string error) => new(null, error, false);

    public static JobItemOutcome TransientFailure(string error) => new(null, error, true);
}

/// <summary>Runs a micro-batch of a job's items; the consumer decides what to store and acknowledge.</summary>
public interface IJobItemRunner
{
    /// <summary>Completes once items can run (the models are loaded).</summary>
    Task WaitUntilReadyAsync(CancellationToken cancellationToken);

    /// <summary>One outcome per item, in the same order; never throws for an item's own failure.</summary>
    Task<JobItemOutcome[]> RunAsync(BatchJob job, IReadOnlyList<JobDelivery> items, CancellationToken cancellationToken);

    /// <summary>Whether online requests arrived within <paramref name="window"/>: job work then yields the CPU to them.</summary>
    bool OnlineTrafficWithin(TimeSpan window);
}

/// <summary>
/// Runs items through the engine at <see cref="InferencePriority.Background"/>: all of a micro-batch is queued at
/// once so the batcher packs it into few runs, in the slots online requests leave free.
/// </summary>
public sealed class EngineJobItemRunner(InferenceEngine engine, ModelRepository repository) : IJobItemRunner
{
    private static readonly TimeSpan LoadingPoll = TimeSpan.FromMilliseconds(500);

    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        while (!repository.IsLoaded)
        {
            await Task.Delay(LoadingPoll, cancellationToken);
        }
    }

    public bool OnlineTrafficWithin(TimeSpan window)
    {
        var since = Environment.TickCount64 - (long)window.TotalMilliseconds;
        return repository.Models.Any(model => model.Versions.Values.Any(version => version.LastOnlineRequestTicks > since));
    }

    public async Task<JobItemOutcome[]> RunAsync(BatchJob job, IReadOnlyList<JobDelivery> items, CancellationToken cancellationToken)
    {
        ModelVersion model;
        try
        {
            model = job.ItemKind == JobItemKinds.Image
                ? engine.ResolveImageModel(job.Model, job.ModelVersion)
                : engine.ResolveTextModel(job.Model, job.ModelVersion);
        }
        catch (InferenceException exception)
        {
            // The model was unloaded or is reloading: the items may well run later.
            return [.. items.Select(_ => JobItemOutcome.TransientFailure(exception.Message))];
        }

        return await Task.WhenAll(items.Select(item => RunOneAsync(job, model, item, cancellationToken)));
    }

    private async Task<JobItemOutcome> RunOneAsync(BatchJob job, ModelVersion model, JobDelivery item, CancellationToken cancellationToken)
    {
        try
        {
            var result = job.ItemKind switch
            {
                JobItemKinds.Text when item.Text is not null =>
                    await engine.ClassifyTextAsync(model, item.Text, InferencePriority.Background, cancellationToken),
                JobItemKinds.Image when item.Image is not null =>
                    await engine.ClassifyImageAsync(model, item.Image, job.Top ?? int.MaxValue, InferencePriority.Background, cancellationToken),
                _ => null,
            };
            return result is null
                ? JobItemOutcome.PermanentFailure($"The item holds no {job.ItemKind}.")
                : JobItemOutcome.Success(job.Top is { } top && result.Predictions.Count > top ? result with { Predictions = [.. result.Predictions.Take(top)] } : result);
        }
        catch (InferenceException exception) when (exception.Kind is InferenceErrorKind.InvalidInput or InferenceErrorKind.PayloadTooLarge
                                                       or InferenceErrorKind.UnsupportedMediaType)
        {
            return JobItemOutcome.PermanentFailure(exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return JobItemOutcome.TransientFailure(exception.Message);
        }
    }
}
