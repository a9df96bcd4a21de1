using Inference.Api.Data;
using Inference.Api.Resilience;
using Inference.Api.Security;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Api.Jobs;

/// <summary>
/// Accepts a validated job: creates its row with its items, adds every item to the queue, then marks it queued in full.
/// If the queue cannot take the items the row is removed again, so a failed submission leaves nothing behind.
/// </summary>
public sealed class BatchJobSubmitter(
    BatchJobStore store, IJobQueue queue, DependencyCircuits circuits, IOptions<BatchJobOptions> options, ILogger<BatchJobSubmitter> logger)
{
    public const int DefaultImageTop = 5;

    /// <summary>Queues the job (items of <paramref name="kind"/>, checked with <see cref="JobTask"/>) as <paramref name="owner"/>'s: only that key (and admins) will see it; anonymous jobs have no owner.</summary>
    public async Task<BatchJob> SubmitAsync(
        ModelVersion model, string kind, JobTaskParameters parameters, IReadOnlyList<JobItem> items, int? top, ApiCaller owner, CancellationToken cancellationToken)
    {
        var waiting = await QueueLengthAsync();
        if (waiting + items.Count > options.Value.MaxQueuedItems)
        {
            throw new InferenceException(InferenceErrorKind.Overloaded,
                $"{waiting:N0} job items are already waiting (at most {options.Value.MaxQueuedItems:N0}); retry once some have run.");
        }

        var job = new BatchJob
        {
            Id = Guid.CreateVersion7(),
            Model = model.Name,
            OwnerKeyId = owner.IsAnonymous ? null : owner.KeyId,
            OwnerKeyName = owner.IsAnonymous ? null : owner.Name,
            ModelVersion = model.Version,
            ItemKind = kind,
            Parameters = parameters.Serialize(),
            Top = top ?? (kind == JobItemKinds.Image ? DefaultImageTop : null),
            State = BatchJobStates.Queued,
            TotalItems = items.Count,
            CreatedAt = DateTimeOffset.UtcNow,
            Queue = options.Value.StreamKey,
        };
        // The items are stored with the job: should the queue lose its data, they are queued again from there.
        await store.CreateAsync(job, items, cancellationToken);
        try
        {
            // Not cancelled by a client that hangs up: the job exists now and must be queued in full.
            await queue.AddAsync(job.Id, items, CancellationToken.None);
        }
        // Whatever the queue failed with (StackExchange.Redis also throws InvalidOperationException on a torn-down
        // connection), a job must not stay half-created.
        catch (Exception exception)
        {
            logger.LogWarning("Job {Job} could not be queued and was removed: {Reason}", job.Id, exception.Message);
            await store.DeleteAsync(job.Id);
            throw QueueUnreachable();
        }
        await store.MarkEnqueuedAsync(job.Id, CancellationToken.None);
        job.EnqueuedAt = DateTimeOffset.UtcNow;
        logger.LogInformation("Job {Job} queued: {Count} {Kind} item(s) for {Model} v{Version}", job.Id, items.Count, kind, model.Name, model.Version);
        return job;
    }

    private async Task<long> QueueLengthAsync()
    {
        // Redis known to be down: refuse at once instead of paying its timeout.
        if (!circuits.Redis.IsAvailable)
        {
            throw QueueUnreachable();
        }
        try
        {
            return await queue.LengthAsync();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or InvalidOperationException)
        {
            throw QueueUnreachable();
        }
    }

    private static InferenceException QueueUnreachable() =>
        new(InferenceErrorKind.Overloaded, "The job queue cannot be reached; nothing was created. Retry shortly.");
}
