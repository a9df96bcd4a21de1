using System.Collections.Concurrent;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;

namespace Inference.Tests.Engine;

/// <summary>The batcher around a real model run (the project's sentiment model), with a gate to hold the runner busy.</summary>
public sealed class DynamicBatcherTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private sealed class GatedRun(Func<IReadOnlyList<EncodedText>, float[][]> run)
    {
        public ManualResetEventSlim Gate { get; } = new(false);
        public ManualResetEventSlim FirstBatchStarted { get; } = new(false);
        public ConcurrentQueue<int> BatchSizes { get; } = new();
        public ConcurrentBag<EncodedText> Seen { get; } = [];

        public float[][] Run(IReadOnlyList<EncodedText> inputs)
        {
            BatchSizes.Enqueue(inputs.Count);
            foreach (var input in inputs)
            {
                Seen.Add(input);
            }
            FirstBatchStarted.Set();
            Gate.Wait(TimeSpan.FromSeconds(30));
            return run(inputs);
        }
    }

    private (DynamicBatcher<EncodedText, float[]> Batcher, GatedRun Run, Func<string, EncodedText> Encode) Create(int maxBatch = 8, int maxQueue = 64)
    {
        var model = fixture.Engine.ResolveTextModel("sentiment", null);
        var gated = new GatedRun(model.RunTextBatch);
        var batcher = new DynamicBatcher<EncodedText, float[]>("sentiment", 1, new BatchingPlan(true, maxBatch, TimeSpan.FromMilliseconds(1), maxQueue), gated.Run);
        return (batcher, gated, model.TextEncoder!.Encode);
    }

    [Fact]
    public async Task ALoneRequestIsDispatchedAtOnceAndRequestsArrivingMeanwhileShareABatch()
    {
        var (batcher, run, encode) = Create(maxBatch: 8);
        using var _ = batcher;
        var cancellation = TestContext.Current.CancellationToken;

        var first = batcher.EnqueueAsync(encode("first"), cancellation);
        Assert.True(run.FirstBatchStarted.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "a lone request must not wait for company");
        var next = Enumerable.Range(0, 12).Select(i => batcher.EnqueueAsync(encode($"request {i}"), cancellation)).ToArray();
        run.Gate.Set();
        await Task.WhenAll([first, .. next]);

        Assert.Equal([1, 8, 4], run.BatchSizes);
    }

    [Fact]
    public async Task CancelledRequestLeavesTheQueueAndNeverRuns()
    {
        var (batcher, run, encode) = Create();
        using var _ = batcher;
        var blocker = batcher.EnqueueAsync(encode("blocker"), TestContext.Current.CancellationToken);
        Assert.True(run.FirstBatchStarted.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        using var gone = new CancellationTokenSource();
        var abandoned = encode("the client went away");
        var cancelled = batcher.EnqueueAsync(abandoned, gone.Token);
        var kept = batcher.EnqueueAsync(encode("still wanted"), TestContext.Current.CancellationToken);

        gone.Cancel();
        // It stops counting at once, before the runner reaches it: admission reads this depth.
        Assert.Equal(1, batcher.QueueDepth);
        run.Gate.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await Task.WhenAll(blocker, kept);
        Assert.DoesNotContain(abandoned, run.Seen);
        Assert.Equal(0, batcher.QueueDepth);
    }

    [Fact]
    public async Task FullQueueRefusesNewRequestsAsOverloaded()
    {
        var (batcher, run, encode) = Create(maxQueue: 2);
        using var _ = batcher;
        var cancellation = TestContext.Current.CancellationToken;
        var running = batcher.EnqueueAsync(encode("running"), cancellation);
        Assert.True(run.FirstBatchStarted.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        var queued = new[] { batcher.EnqueueAsync(encode("one"), cancellation), batcher.EnqueueAsync(encode("two"), cancellation) };

        var error = await Assert.ThrowsAsync<InferenceException>(() => batcher.EnqueueAsync(encode("three"), cancellation));

        Assert.Equal(InferenceErrorKind.Overloaded, error.Kind);
        run.Gate.Set();
        await Task.WhenAll([running, .. queued]);
    }

    [Fact]
    public async Task DisposingRunsWhatWasAlreadyAccepted()
    {
        var (batcher, run, encode) = Create();
        var cancellation = TestContext.Current.CancellationToken;
        var accepted = Enumerable.Range(0, 5).Select(i => batcher.EnqueueAsync(encode($"accepted {i}"), cancellation)).ToArray();
        Assert.True(run.FirstBatchStarted.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        run.Gate.Set();
        batcher.Dispose();

        var results = await Task.WhenAll(accepted);
        Assert.All(results, row => Assert.Equal(2, row.Length));
    }
}
