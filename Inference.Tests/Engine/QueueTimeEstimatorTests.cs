using Inference.Engine.Execution;

namespace Inference.Tests.Engine;

/// <summary>The wait the admission check expects, from observed batch run times and the queue ahead.</summary>
public sealed class QueueTimeEstimatorTests
{
    /// <summary>Time that does not move: what is left of a running batch is its whole expected run.</summary>
    internal sealed class FrozenTime : TimeProvider
    {
        public override long GetTimestamp() => 0;
    }

    [Fact]
    public void NothingIsExpectedToWaitBeforeAnyBatchHasRun()
    {
        var estimator = new QueueTimeEstimator(new FrozenTime());

        Assert.Equal(TimeSpan.Zero, estimator.EstimateWait(ahead: 500, maxBatchSize: 8));
    }

    [Fact]
    public void EveryFullBatchAheadAndTheRestOfTheRunningOneAreCounted()
    {
        var estimator = new QueueTimeEstimator(new FrozenTime());
        estimator.RunStarted(8);
        estimator.RunCompleted(8, runMs: 100);

        // 20 ahead with batches of 8: two full batches run before the one this request joins.
        Assert.Equal(200, estimator.EstimateWait(ahead: 20, maxBatchSize: 8).TotalMilliseconds, precision: 6);
        Assert.Equal(0, estimator.EstimateWait(ahead: 7, maxBatchSize: 8).TotalMilliseconds, precision: 6);

        estimator.RunStarted(8);
        Assert.Equal(300, estimator.EstimateWait(ahead: 20, maxBatchSize: 8).TotalMilliseconds, precision: 6);
        Assert.Equal(100, estimator.EstimateWait(ahead: 1, maxBatchSize: 8).TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void ARequestWithNobodyQueuedAheadIsNeverExpectedToWait()
    {
        var estimator = new QueueTimeEstimator(new FrozenTime());
        estimator.RunCompleted(8, runMs: 5_000);
        estimator.RunStarted(8);

        // Next in line behind a long run: refusing it would shorten no one's wait.
        Assert.Equal(TimeSpan.Zero, estimator.EstimateWait(ahead: 0, maxBatchSize: 8));
    }

    [Fact]
    public void LargerBatchesThanObservedAreExpectedToTakeProportionallyLonger()
    {
        var estimator = new QueueTimeEstimator(new FrozenTime());
        estimator.RunCompleted(2, runMs: 10);

        // Only batches of 2 were seen: a full batch of 8 is taken as four times as long.
        Assert.Equal(40, estimator.EstimateWait(ahead: 8, maxBatchSize: 8).TotalMilliseconds, precision: 6);
    }
}
