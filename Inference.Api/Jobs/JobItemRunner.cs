using Inference.Api.Data;
using Inference.Api.Serving;
using Inference.Engine;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;
using Inference.Engine.Repository;

namespace Inference.Api.Jobs;

/// <summary>
/// How one item ended: a result (a classification, or an embedding job's vector), or an error that either describes
/// the item itself (retrying cannot help) or the moment (model reloading, server overloaded, an unexpected fault), which
/// is worth another attempt.
/// </summary>
public sealed record JobItemOutcome(ClassificationResult? Result, string? Error, bool Retryable)
{
    /// <summary>An embedding item's vector; <see cref="Result"/> is null then.</summary>
    public EmbeddingResult? Embedding { get; init; }

    public bool Succeeded => Result is not null || Embedding is not null;

    public static JobItemOutcome Success(ClassificationResult result) => new(result, null, false);

    public static JobItemOutcome Success(EmbeddingResult embedding) => new(null, null, false) { Embedding = embedding };

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

    /// <summary>The job's <c>top</c> ranked classes of a result.</summary>
    private static ClassificationResult Ranked(BatchJob job, ClassificationResult result) =>
        job.Top is { } top && result.Predictions.Count > top ? result with { Predictions = [.. result.Predictions.Take(top)] } : result;

    private async Task<JobItemOutcome> RunOneAsync(BatchJob job, ServingCall call, JobDelivery item, CancellationToken cancellationToken)
    {
        try
        {
            var parameters = JobTaskParameters.Parse(job.Parameters);
            switch (job.ItemKind)
            {
                case JobItemKinds.Embedding when item.Text is not null:
                    return JobItemOutcome.Success((await serving.EmbedAsync(call, parameters.Embedding(item.Text), cancellationToken)).Result);
                case JobItemKinds.ZeroShot when item.Text is not null:
                    var zeroShot = (await serving.ClassifyZeroShotAsync(call, parameters.ZeroShot(item.Text), cancellationToken)).Result;
                    return JobItemOutcome.Success(Ranked(job, new ClassificationResult(zeroShot.Model, zeroShot.Version, zeroShot.Labels[0], zeroShot.Scores[0],
                        [.. zeroShot.Labels.Zip(zeroShot.Scores, (label, score) => new ClassScore(label, score))], zeroShot.InferenceTimeMs)));
                case JobItemKinds.Text when item.Text is not null:
                    return JobItemOutcome.Success(Ranked(job, (await serving.PredictTextAsync(call, item.Text, cancellationToken)).Result));
                case JobItemKinds.Image when item.Image is not null:
                    return JobItemOutcome.Success(Ranked(job, (await serving.PredictImageAsync(call, item.Image, job.Top ?? int.MaxValue, cancellationToken)).Result));
                default:
                    return JobItemOutcome.PermanentFailure($"The item holds no {(JobItemKinds.IsText(job.ItemKind) ? "text" : "image")}.");
            }
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
