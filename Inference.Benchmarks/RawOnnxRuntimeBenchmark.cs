using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Benchmarks;

/// <summary>One batch size of the raw sweep: run latency (the whole batch) and sequences per second.</summary>
public sealed record RawBatchResult(int BatchSize, int Runs, double ItemsPerSecond, LatencySummary Latency);

/// <summary>The physical limit: the model on plain ONNX Runtime, in process, inputs already tokenized.</summary>
/// <param name="Cpu">CPU over the sweep: the machine's, and this process's, which should be nearly all of it.</param>
public sealed record RawResults(int SequenceLength, int IntraOpThreads, double PaddingLogitDifference, IReadOnlyList<RawBatchResult> Batches, CpuShare Cpu)
{
    public RawBatchResult BatchOne => Batches.First(batch => batch.BatchSize == 1);

    public RawBatchResult Best => Batches.MaxBy(batch => batch.ItemsPerSecond)!;
}

/// <summary>
/// Runs a text-classification ONNX model with plain ONNX Runtime (OrtValue API, CPU, every graph optimization,
/// one intra-op thread per core) over a sweep of batch sizes. The product's engine is not involved.
/// </summary>
public static class RawOnnxRuntimeBenchmark
{
    private const int WarmupRuns = 3;
    private const int MinimumRuns = 5;
    private const int PaddingTokens = 8;
    private static readonly string[] InputNames = ["input_ids", "attention_mask"];
    private static readonly string[] OutputNames = ["logits"];

    /// <param name="warmup">Batch-1 runs before the sweep: the first runs of a fresh session are slow while it allocates.</param>
    public static RawResults Run(
        string modelPath, ReviewTexts texts, IReadOnlyList<int> batchSizes, TimeSpan warmup, TimeSpan durationPerBatch, CancellationToken cancellationToken)
    {
        var threads = Environment.ProcessorCount;
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = threads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        using var session = new InferenceSession(modelPath, sessionOptions);
        using var runOptions = new RunOptions();

        var length = texts.SequenceLength;
        var cpu = CpuMeter.Start(Environment.ProcessId);
        var warmupStarted = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmupStarted) < warmup)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Logits(session, runOptions, texts.TokenIds(0), [.. Enumerable.Repeat(1L, length)]);
        }

        var results = new List<RawBatchResult>();
        foreach (var batchSize in batchSizes)
        {
            var ids = new long[batchSize * length];
            for (var row = 0; row < batchSize; row++)
            {
                texts.TokenIds(row).CopyTo(ids, row * length);
            }
            var mask = Enumerable.Repeat(1L, ids.Length).ToArray();
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [batchSize, length]);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batchSize, length]);
            OrtValue[] inputs = [idsValue, maskValue];

            for (var i = 0; i < WarmupRuns; i++)
            {
                RunOnce(session, runOptions, inputs);
            }
            var latencies = new List<double>();
            var started = Stopwatch.GetTimestamp();
            while (latencies.Count < MinimumRuns || Stopwatch.GetElapsedTime(started) < durationPerBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var runStarted = Stopwatch.GetTimestamp();
                RunOnce(session, runOptions, inputs);
                latencies.Add(Stopwatch.GetElapsedTime(runStarted).TotalMilliseconds);
            }
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var result = new RawBatchResult(batchSize, latencies.Count, latencies.Count * batchSize / seconds, LatencySummary.From(latencies));
            Console.Error.WriteLine($"  raw batch {batchSize,2}: {result.ItemsPerSecond,8:F1} sequences/s, p50 {result.Latency.P50Ms:F1} ms per run");
            results.Add(result);
        }
        var cpuShare = cpu.Stop();
        return new RawResults(length, threads, PaddingLogitDifference(session, runOptions, texts), results, cpuShare);
    }

    /// <summary>
    /// The largest logit change when one text is run with padding after it (mask 0), as dynamic batching pads
    /// shorter texts: near zero when the exported attention mask really hides padding.
    /// </summary>
    private static double PaddingLogitDifference(InferenceSession session, RunOptions runOptions, ReviewTexts texts)
    {
        var ids = texts.TokenIds(0);
        var alone = Logits(session, runOptions, ids, [.. Enumerable.Repeat(1L, ids.Length)]);
        long[] paddedIds = [.. ids, .. new long[PaddingTokens]];
        long[] paddedMask = [.. Enumerable.Repeat(1L, ids.Length), .. new long[PaddingTokens]];
        var padded = Logits(session, runOptions, paddedIds, paddedMask);
        return alone.Zip(padded, (a, b) => (double)Math.Abs(a - b)).Max();
    }

    private static float[] Logits(InferenceSession session, RunOptions runOptions, long[] ids, long[] mask)
    {
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [1, mask.Length]);
        using var outputs = session.Run(runOptions, InputNames, [idsValue, maskValue], OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static void RunOnce(InferenceSession session, RunOptions runOptions, OrtValue[] inputs)
    {
        using var outputs = session.Run(runOptions, InputNames, inputs, OutputNames);
    }
}
