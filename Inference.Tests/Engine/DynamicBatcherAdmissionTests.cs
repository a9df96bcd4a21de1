using System.Collections.Concurrent;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;

namespace Inference.Tests.Engine;

/// <summary>
/// The queue-time budget in the batcher around a real model run: a request expected to wait over it is refused at once,
/// before it is queued; background work is exempt. Expectations rest on queue positions, not on how fast anything runs.
/// </summary>
public sealed class DynamicBatcherAdmissionTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Runs one batch at a time while its gate is open; records what ran and what was refused.</summary>
    private sealed class GatedRun(Func<IReadOnlyList<EncodedText>, float[][]> run) : IBatchObserver
    {
        public ManualResetEventSlim Gate { get; } = new(true);
        public SemaphoreSlim Started { get; } = new(0);
        public ConcurrentBag<EncodedText> Seen { get; } = [];
        public ConcurrentQueue<AdmissionRefusal> Refusals { get; } = new();

        public float[][] Run(IReadOnlyList<EncodedText> inputs)
        {
            foreach (var input in inputs)
            {
                Seen.Add(input);
            }
            Started.Release();
            Gate.Wait(TimeSpan.FromSeconds(30));
            return run(inputs);
        }

        public void BatchStarted(string model, int version, int size, ReadOnlySpan<double> queueWaitsMs) { }

        public void RequestRefused(string model, int version, AdmissionRefusal reason) => Refusals.Enqueue(reason);
    }

    private (DynamicBatcher<EncodedText, float[]> Batcher, GatedRun Run, Func<string, EncodedText> Encode) Create(TimeSpan budget)
    {
        var model = fixture.Engine.ResolveTextModel("sentiment", null);
        var gated = new GatedRun(model.RunTextBatch);
        // One request per batch: every request queued ahead is one whole observed run of waiting.
        var plan = new BatchingPlan(true, 1, TimeSpan.Zero, 64) { QueueTimeBudget = budget };
        return (new DynamicBatcher<EncodedText, float[]>("sentiment", 1, plan, gated.Run, gated), gated, model.TextEncoder!.Encode);
    }

    /// <summary>Runs one request that holds the runner for a while, so the batcher has seen a run of known length.</summary>
    private static async Task ObserveOneSlowRunAsync(DynamicBatcher<EncodedText, float[]> batcher, GatedRun run, Func<string, EncodedText> encode)
    {
        run.Gate.Reset();
        var first = batcher.EnqueueAsync(encode("first"), Cancellation);
        Assert.True(await run.Started.WaitAsync(TimeSpan.FromSeconds(10), Cancellation));
        await Task.Delay(TimeSpan.FromMilliseconds(200), Cancellation);
        run.Gate.Set();
        await first;
    }

    [Fact]
    public async Task ARequestExpectedToWaitOverTheBudgetIsRefusedAtOnceWithRetryAfterAndNeverRuns()
    {
        var (batcher, run, encode) = Create(budget: TimeSpan.FromMilliseconds(1));
        using var _ = batcher;
        await ObserveOneSlowRunAsync(batcher, run, encode);

        run.Gate.Reset();
        var running = batcher.EnqueueAsync(encode("running"), Cancellation);
        Assert.True(await run.Started.WaitAsync(TimeSpan.FromSeconds(10), Cancellation));
        // The first is next in line and admitted; the second has it queued ahead and the held run (≥ 200 ms observed) before it.
        var late = new[] { encode("late one"), encode("late two") };
        var attempts = late.Select(text => Capture(() => batcher.EnqueueAsync(text, Cancellation))).ToArray();

        Assert.Null(attempts[0].Error);
        var refused = attempts[1].Error;
        Assert.NotNull(refused);
        Assert.Equal(InferenceErrorKind.Overloaded, refused.Kind);
        Assert.True(refused.RetryAfter > TimeSpan.Zero, "a refusal says when to come back");
        Assert.Equal([AdmissionRefusal.OverBudget], run.Refusals);
        run.Gate.Set();
        await Task.WhenAll(running, attempts[0].Task!);
        Assert.Contains(late[0], run.Seen);
        Assert.DoesNotContain(late[1], run.Seen);
    }

    [Fact]
    public async Task BackgroundWorkIsNotRefusedForTheBudgetAndAnAmpleBudgetAdmitsEveryone()
    {
        var (batcher, run, encode) = Create(budget: TimeSpan.FromMilliseconds(1));
        using var _ = batcher;
        await ObserveOneSlowRunAsync(batcher, run, encode);

        run.Gate.Reset();
        var running = batcher.EnqueueAsync(encode("running"), Cancellation);
        Assert.True(await run.Started.WaitAsync(TimeSpan.FromSeconds(10), Cancellation));
        var background = Enumerable.Range(0, 5).Select(i => batcher.EnqueueAsync(encode($"job item {i}"), InferencePriority.Background, Cancellation)).ToArray();
        run.Gate.Set();

        await Task.WhenAll([running, .. background]);
        Assert.Empty(run.Refusals);

        var (ample, ampleRun, _) = Create(budget: TimeSpan.FromMinutes(10));
        using var __ = ample;
        await ObserveOneSlowRunAsync(ample, ampleRun, encode);
        ampleRun.Gate.Reset();
        var queued = Enumerable.Range(0, 5).Select(i => ample.EnqueueAsync(encode($"online {i}"), Cancellation)).ToArray();
        ampleRun.Gate.Set();
        await Task.WhenAll(queued);
        Assert.Empty(ampleRun.Refusals);
    }

    private static (Task<float[]>? Task, InferenceException? Error) Capture(Func<Task<float[]>> enqueue)
    {
        try
        {
            return (enqueue(), null);
        }
        catch (InferenceException error)
        {
            return (null, error);
        }
    }
}
