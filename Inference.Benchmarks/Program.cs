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
    var models = await BenchmarkModels.PrepareAsync(cancellation.Token);
    var texts = new ReviewTexts(models.DistilBertVocabulary);
    var report = await new BenchmarkRun(options, models, texts).RunAsync(cancellation.Token);
    report.Write(Console.Out);
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
