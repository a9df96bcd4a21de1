using System.Collections.Concurrent;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;

namespace Inference.Tests.Engine;

/// <summary>Background (batch-job) work in the batcher: it only takes slots online requests leave free, and has its own bound.</summary>
public sealed class DynamicBatcherPriorityTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private sealed class RecordingRun(Func<IReadOnlyList<EncodedText>, float[][]> run)
    {
        public ManualResetEventSlim Gate { get; } = new(false);
        public ManualResetEventSlim FirstBatchStarted { get; } = new(false);
        public ConcurrentQueue<EncodedText[]> Batches { get; } = new();

        public float[][] Run(IReadOnlyList<EncodedText> inputs)
        {
            Batches.Enqueue([.. inputs]);
            FirstBatchStarted.Set();
            Gate.Wait(TimeSpan.FromSeconds(30));
            return run(inputs);
        }
    }

    private (DynamicBatcher<EncodedText, float[]> Batcher, RecordingRun Run, Func<string, EncodedText> Encode) Create(int maxBatch, int maxQueue = 64)
    {
        var model = fixture.Engine.ResolveTextModel("sentiment", null);
        var recording = new RecordingRun(model.RunTextBatch);
        var batcher = new DynamicBatcher<EncodedText, float[]>("sentiment", 1, new BatchingPlan(true, maxBatch, TimeSpan.FromMilliseconds(1), maxQueue), recording.Run);
        return (batcher, recording, model.TextEncoder!.Encode);
    }

    [Fact]
    public async Task OnlineRequestsOvertakeQueuedBackgroundWorkWhichFillsTheFreeSlots()
    {
        var (batcher, run, encode) = Create(maxBatch: 8);
        using var _ = batcher;
        var cancellation = TestContext.Current.CancellationToken;
        var blocker = batcher.EnqueueAsync(encode("blocker"), cancellation);
        Assert.True(run.FirstBatchStarted.Wait(TimeSpan.FromSeconds(10), cancellation));

        var backgroundInputs = Enumerable.Range(0, 12).Select(i => encode($"job item {i}")).ToArray();
        var background = backgroundInputs.Select(input => batcher.EnqueueAsync(input, InferencePriority.Background, cancellation)).ToArray();
        var onlineInputs = Enumerable.Range(0, 3).Select(i => encode($"online {i}")).ToArray();
        var online = onlineInputs.Select(input => batcher.EnqueueAsync(input, cancellation)).ToArray();
        Assert.Equal((3, 12), (batcher.QueueDepth, batcher.BackgroundQueueDepth));
        run.Gate.Set();
        await Task.WhenAll([blocker, .. online, .. background]);

        var batches = run.Batches.ToArray();
        Assert.Equal([1, 8, 7], batches.Select(batch => batch.Length));
        // Online requests arrived after the background items, yet run first, in the next batch, ahead of them.
        Assert.Equal(onlineInputs, batches[1][..3]);
        Assert.Equal(backgroundInputs, batches[1][3..].Concat(batches[2]));
        Assert.Equal((0, 0), (batcher.QueueDepth, batcher.BackgroundQueueDepth));
    }

    [Fact]
    public async Task BackgroundQueueIsBoundedApartFromTheOnlineQueue()
    {
        var (batcher, run, encode) = Create(maxBatch: 8, maxQueue: 2);
        using var _ = batcher;
        var cancellation = TestContext.Current.CancellationToken;
        var blocker = batcher.EnqueueAsync(encode("blocker"), cancellation);
        Assert.True(run.FirstBatchStarted.Wait(TimeSpan.FromSeconds(10), cancellation));
        var background = new[] { "a", "b" }.Select(text => batcher.EnqueueAsync(encode(text), InferencePriority.Background, cancellation)).ToArray();

        var refused = await Assert.ThrowsAsync<InferenceException>(() => batcher.EnqueueAsync(encode("c"), InferencePriority.Background, cancellation));
        var online = new[] { "x", "y" }.Select(text => batcher.EnqueueAsync(encode(text), cancellation)).ToArray();

        Assert.Equal(InferenceErrorKind.Overloaded, refused.Kind);
        Assert.Contains("background", refused.Message);
        run.Gate.Set();
        await Task.WhenAll([blocker, .. background, .. online]);
    }

    [Fact]
    public async Task DisposingRunsBackgroundWorkAlreadyAccepted()
    {
        var (batcher, run, encode) = Create(maxBatch: 4);
        var cancellation = TestContext.Current.CancellationToken;
        var blocker = batcher.EnqueueAsync(encode("blocker"), cancellation);
        Assert.True(run.FirstBatchStarted.Wait(TimeSpan.FromSeconds(10), cancellation));
        var background = Enumerable.Range(0, 10).Select(i => batcher.EnqueueAsync(encode($"item {i}"), InferencePriority.Background, cancellation)).ToArray();

        run.Gate.Set();
        batcher.Dispose();

        var rows = await Task.WhenAll([blocker, .. background]);
        Assert.All(rows, row => Assert.Equal(2, row.Length));
    }
}
