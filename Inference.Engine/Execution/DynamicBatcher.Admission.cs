using Inference.Engine.Errors;

namespace Inference.Engine.Execution;

/// <summary>Admission: what refuses an online request before it queues.</summary>
public sealed partial class DynamicBatcher<TInput, TOutput>
{
    /// <summary>
    /// Refuses, as <see cref="InferenceErrorKind.Overloaded"/> with a Retry-After, an online request that would wait over the
    /// queue-time budget or find the queue full. Callers check before pre-processing so a refusal costs no work;
    /// <see cref="EnqueueAsync(TInput, InferencePriority, CancellationToken)"/> checks again.
    /// </summary>
    public void CheckAdmission(InferencePriority priority)
    {
        CheckBudget(priority);
        if (priority == InferencePriority.Online && QueueDepth >= _plan.MaxQueueSize)
        {
            _observer?.RequestRefused(_model, _version, AdmissionRefusal.QueueFull);
            throw new InferenceException(InferenceErrorKind.Overloaded,
                $"The queue for this model is full ({_plan.MaxQueueSize} requests waiting); retry shortly.");
        }
    }

    private void CheckBudget(InferencePriority priority)
    {
        if (priority == InferencePriority.Background || _plan.QueueTimeBudget <= TimeSpan.Zero)
        {
            return;
        }
        var wait = _estimator.EstimateWait(QueueDepth, _plan.MaxBatchSize);
        if (wait > _plan.QueueTimeBudget)
        {
            _observer?.RequestRefused(_model, _version, AdmissionRefusal.OverBudget);
            throw new InferenceException(InferenceErrorKind.Overloaded,
                $"This model's queue is about {wait.TotalMilliseconds:0.#} ms deep, over its {_plan.QueueTimeBudget.TotalMilliseconds:0.###} ms " +
                "queue-time budget; retry shortly.") { RetryAfter = wait };
        }
    }
}
