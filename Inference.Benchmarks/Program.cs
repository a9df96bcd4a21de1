using Inference.Benchmarks;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

#if DEBUG
Console.Error.WriteLine("Warning: a Debug build; run with -c Release for numbers worth recording.");
#endif

// Ctrl+C stops the load and still shuts the AppHost (Postgres, Redis, the API) down.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, eventArgs) =>
{
    eventArgs.Cancel = true;
    cancellation.Cancel();
};

try
{
    var models = await BenchmarkModels.PrepareAsync(options, cancellation.Token);
    // Run alone, the seed 004 case has no DistilBERT-shaped model: its texts take the sentiment model's words.
    var texts = new ReviewTexts(options.OnlySeed004 ? models.SentimentVocabulary : models.DistilBertVocabulary);
    var run = new BenchmarkRun(options, models, texts);
    if (!options.OnlySeed004)
    {
        var report = await run.RunAsync(cancellation.Token);
        report.Write(Console.Out);
    }
    if (!options.SkipSeed004)
    {
        var started = DateTimeOffset.UtcNow;
        var seed004 = await run.RunSeed004Async(cancellation.Token);
        new Seed004Report(started, options.ToCommandLine(), MachineDescription.Current(), seed004).Write(Console.Out);
    }
    return 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or FileNotFoundException)
{
    Console.Error.WriteLine($"Benchmark failed: {exception.Message}");
    return 1;
}
