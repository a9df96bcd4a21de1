namespace Inference.Engine.Execution;

/// <summary>
/// Estimates how long a request arriving now would wait before its batch starts, from what the runner observed: an
/// exponentially weighted mean of batch run times and of batch sizes, the batch running now, and the requests queued
/// ahead. A batch of <c>n</c> is taken to cost the mean run time scaled by <c>n</c> over the mean size (never less than
/// the mean), which overestimates a little while batches grow and settles once full batches run.
/// </summary>
public sealed class QueueTimeEstimator(TimeProvider time)
{
    // Weight of the newest observation: about the last ten batches count.
    private const double Smoothing = 0.2;

    private readonly Lock _gate = new();
    private double _meanRunMs;
    private double _meanSize;
    private bool _observed;
    private long _runningSince = -1;
    private int _runningSize;

    /// <summary>A batch of <paramref name="size"/> requests started running.</summary>
    public void RunStarted(int size)
    {
        lock (_gate)
        {
            _runningSince = time.GetTimestamp();
            _runningSize = size;
        }
    }

    /// <summary>The running batch of <paramref name="size"/> finished after <paramref name="runMs"/>.</summary>
    public void RunCompleted(int size, double runMs)
    {
        lock (_gate)
        {
            _runningSince = -1;
            if (!_observed)
            {
                (_meanRunMs, _meanSize, _observed) = (runMs, size, true);
                return;
            }
            _meanRunMs += Smoothing * (runMs - _meanRunMs);
            _meanSize += Smoothing * (size - _meanSize);
        }
    }

    /// <summary>
    /// The expected wait of a request with <paramref name="ahead"/> requests queued before it, when batches take at most
    /// <paramref name="maxBatchSize"/>: what is left of the running batch, plus every full batch ahead of its own.
    /// Zero before any batch has run (nothing is known yet) and with nobody queued ahead: the request is next to run,
    /// refusing it would shorten no one's wait, and a model whose one run outlasts its budget still serves a request at a time.
    /// </summary>
    public TimeSpan EstimateWait(int ahead, int maxBatchSize)
    {
        lock (_gate)
        {
            if (!_observed || ahead <= 0)
            {
                return TimeSpan.Zero;
            }
            var remainingMs = _runningSince < 0
                ? 0
                : Math.Max(0, BatchMs(_runningSize) - time.GetElapsedTime(_runningSince).TotalMilliseconds);
            var batchesAhead = Math.Max(0, ahead) / Math.Max(1, maxBatchSize);
            return TimeSpan.FromMilliseconds(remainingMs + batchesAhead * BatchMs(maxBatchSize));
        }
    }

    private double BatchMs(int size) => _meanRunMs * Math.Max(1, size / Math.Max(1, _meanSize));
}
