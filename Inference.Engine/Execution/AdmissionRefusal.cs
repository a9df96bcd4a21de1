namespace Inference.Engine.Execution;

/// <summary>Why a request was refused at admission.</summary>
public enum AdmissionRefusal
{
    /// <summary>The queue held its maximum number of requests.</summary>
    QueueFull,

    /// <summary>The estimated wait for its batch was over the model's queue-time budget.</summary>
    OverBudget,
}
