using Inference.Api.Data;
using Inference.Api.Serving;
using Inference.Engine;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;

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
/// Runs items through the serving path at <see cref="InferencePriority.Background"/>, pinned to the job's version, with
/// no cache and no prediction-log entry (the job's results are its record): all of a micro-batch is queued at once so the
/// batcher packs it into few runs, in the slots online requests leave free.
/// </summary>
public sealed class ServingJobItemRunner(InferenceService serving, ModelRepository repository) : IJobItemRunner
{
    private const string Route = "jobs";
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
        var call = new ServingCall(Route, job.Model, job.ModelVersion, StickyId: null, KeyId: null,
            UseCache: false, Priority: InferencePriority.Background, Logged: false);
        return await Task.WhenAll(items.Select(item => RunOneAsync(job, call, item, cancellationToken)));
    }

    private async Task<JobItemOutcome> RunOneAsync(BatchJob job, ServingCall call, JobDelivery item, CancellationToken cancellationToken)
    {
        try
        {
            var served = job.ItemKind switch
            {
                JobItemKinds.Text when item.Text is not null => await serving.PredictTextAsync(call, item.Text, cancellationToken),
                JobItemKinds.Image when item.Image is not null =>
                    await serving.PredictImageAsync(call, item.Image, job.Top ?? int.MaxValue, cancellationToken),
                _ => null,
            };
            if (served is null)
            {
                return JobItemOutcome.PermanentFailure($"The item holds no {job.ItemKind}.");
            }
            var result = served.Result;
            return JobItemOutcome.Success(job.Top is { } top && result.Predictions.Count > top ? result with { Predictions = [.. result.Predictions.Take(top)] } : result);
        }
        catch (InferenceException exception) when (exception.Kind is InferenceErrorKind.InvalidInput or InferenceErrorKind.PayloadTooLarge
                                                       or InferenceErrorKind.UnsupportedMediaType)
        {
            return JobItemOutcome.PermanentFailure(exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The model unloaded or reloading, the server overloaded, an unexpected fault: the item may well run later.
            return JobItemOutcome.TransientFailure(exception.Message);
        }
    }
}
