namespace Inference.Engine.Execution;

/// <summary>What a batcher reports about each batch it runs.</summary>
public interface IBatchObserver
{
    void BatchStarted(string model, int version, int size, ReadOnlySpan<double> queueWaitsMs);

    /// <summary>A batch finished running (successfully or not) after <paramref name="runMs"/>.</summary>
    void BatchCompleted(string model, int version, int size, double runMs) { }

    /// <summary>A request was refused before any work was done for it.</summary>
    void RequestRefused(string model, int version, AdmissionRefusal reason) { }

    /// <summary>A queued request's caller went away before its batch ran; it was dropped without running.</summary>
    void RequestAbandoned(string model, int version) { }
}
