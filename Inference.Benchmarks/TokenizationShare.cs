using System.Diagnostics;
using Inference.Engine.Processing;
using Inference.Engine.Processing.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Benchmarks;

/// <summary>One tokenizer family's time per request against the model's run time for the same kind of request.</summary>
/// <param name="Kind">What the product read the tokenizer from, e.g. <c>tokenizer.json (BPE)</c>.</param>
/// <param name="Tokens">Tokens of the typical text, special tokens included.</param>
public sealed record TokenizationResult(string Family, string Kind, int Tokens, double TokenizeMicroseconds, double ModelMilliseconds)
{
    public double Share => TokenizeMicroseconds / 1000 / ModelMilliseconds;
}

/// <summary>
/// Tokenization time per request, measured in this process with the product's own <see cref="TextEncoder"/> on the Hub
/// files of each family (the API exposes no tokenization metric: only a <c>preprocess</c> trace span), against one batch-1
/// run of the RoBERTa-base-shaped classifier on the same text, on plain ONNX Runtime with every optimization and one
/// thread per core. Runs before the API starts, so nothing else in the benchmark competes with it.
/// </summary>
public static class TokenizationShare
{
    private const int WarmupTexts = 200;
    private const int MeasuredTexts = 2000;
    private const int ModelRuns = 20;

    /// <summary>WordPiece, byte-level BPE and SentencePiece Unigram, each from its <c>tokenizer.json</c>.</summary>
    private static readonly (string Folder, string Family)[] Families =
        [("bert", "WordPiece (bert-base-uncased)"), ("roberta", "byte-level BPE (roberta-base)"), ("t5", "SentencePiece Unigram (t5)")];

    public static IReadOnlyList<TokenizationResult> Measure(string sharedTokenizers, string classifierPath, ReviewTexts texts)
    {
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = Environment.ProcessorCount,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(classifierPath, sessionOptions);
        // The model reads roberta's ids of the typical text: each share is of a seed 004 model's run on that text.
        using var roberta = Load(Path.Combine(sharedTokenizers, "roberta"));
        var modelMilliseconds = ModelMilliseconds(session, roberta.Encode(texts.Text(0)).InputIds);

        var results = new List<TokenizationResult>();
        foreach (var (folder, family) in Families)
        {
            using var encoder = Load(Path.Combine(sharedTokenizers, folder));
            var tokens = encoder.Encode(texts.Text(0)).Length;
            var microseconds = MicrosecondsPerText(encoder, texts);
            Console.Error.WriteLine($"  {family}: {tokens} tokens, {microseconds:F1} µs per text; model run {modelMilliseconds:F1} ms");
            results.Add(new TokenizationResult(family, encoder.Kind, tokens, microseconds, modelMilliseconds));
        }
        return results;
    }

    private static TextEncoder Load(string folder) => TextEncoder.Load(new HuggingFaceFolder(folder), new TextSettings());

    /// <summary>Mean time to encode one distinct text (no two alike, as requests are), after a warm-up.</summary>
    private static double MicrosecondsPerText(TextEncoder encoder, ReviewTexts texts)
    {
        var prepared = Enumerable.Range(0, WarmupTexts + MeasuredTexts).Select(index => texts.Text(index)).ToArray();
        foreach (var text in prepared.Take(WarmupTexts))
        {
            encoder.Encode(text);
        }
        var started = Stopwatch.GetTimestamp();
        foreach (var text in prepared.Skip(WarmupTexts))
        {
            encoder.Encode(text);
        }
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / MeasuredTexts;
    }

    /// <summary>Median of batch-1 runs, after warm-up runs that let the session allocate.</summary>
    private static double ModelMilliseconds(InferenceSession session, long[] ids)
    {
        var mask = Enumerable.Repeat(1L, ids.Length).ToArray();
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [1, ids.Length]);
        using var runOptions = new RunOptions();
        var latencies = new List<double>();
        for (var run = 0; run < ModelRuns + 3; run++)
        {
            var started = Stopwatch.GetTimestamp();
            using var outputs = session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], ["logits"]);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return LatencySummary.From(latencies.Skip(3).ToArray()).P50Ms;
    }
}
