using System.Diagnostics;
using System.Net;

namespace Inference.Benchmarks;

/// <summary>Throughput and latency of one measured scenario.</summary>
/// <param name="GeneratorCores">CPU the load generator itself used, in cores, averaged over warm-up and measurement.</param>
public sealed record LoadResult(
    int Concurrency, int Requests, int Failures, int CacheHits, double Seconds, LatencySummary Latency, string? FirstFailure, double GeneratorCores)
{
    public double Throughput => Requests / Seconds;
}

/// <summary>
/// A closed-loop load generator: N workers share one HttpClient, each sending its next request as soon as the last
/// answered. It shares the machine's cores with the API, so it does as little as it can per request: bodies are
/// prepared beforehand, responses are only checked for status and the cache flag.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private static readonly byte[] CachedFlag = "\"cached\":true"u8.ToArray();

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers for the warm-up, then records every request that starts within
    /// <paramref name="duration"/>. Throughput counts those requests over the time until the last one answered.
    /// </summary>
    public async Task<LoadResult> RunAsync(
        Func<HttpRequestMessage> createRequest, int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var began = Stopwatch.GetTimestamp();
        var measureFrom = began + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => WorkAsync(createRequest, measureFrom, stopAt, cancellationToken), cancellationToken))
            .ToArray();
        var records = await Task.WhenAll(workers);
        self.Refresh();
        var generatorCores = (self.TotalProcessorTime - cpuBefore).TotalSeconds / Stopwatch.GetElapsedTime(began).TotalSeconds;

        var latencies = records.SelectMany(record => record.LatenciesMs).ToArray();
        var lastAnswer = records.Max(record => record.LastAnswerTimestamp);
        var seconds = Math.Max(lastAnswer - measureFrom, 1) / (double)Stopwatch.Frequency;
        return new LoadResult(
            concurrency,
            latencies.Length,
            records.Sum(record => record.Failures),
            records.Sum(record => record.CacheHits),
            seconds,
            LatencySummary.From(latencies),
            records.Select(record => record.FirstFailure).FirstOrDefault(failure => failure is not null),
            generatorCores);
    }

    private async Task<WorkerRecord> WorkAsync(Func<HttpRequestMessage> createRequest, long measureFrom, long stopAt, CancellationToken cancellationToken)
    {
        var record = new WorkerRecord();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Stopwatch.GetTimestamp() >= stopAt)
            {
                break;
            }
            using var request = createRequest();
            var sent = Stopwatch.GetTimestamp();

            string? failure = null;
            var cached = false;
            try
            {
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    failure = $"{(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}";
                }
                cached = body.AsSpan().IndexOf(CachedFlag) >= 0;
            }
            catch (HttpRequestException exception)
            {
                failure = exception.Message;
            }

            var answered = Stopwatch.GetTimestamp();
            if (sent < measureFrom)
            {
                continue;
            }
            record.LatenciesMs.Add(Stopwatch.GetElapsedTime(sent, answered).TotalMilliseconds);
            record.LastAnswerTimestamp = answered;
            record.CacheHits += cached ? 1 : 0;
            if (failure is not null)
            {
                record.Failures++;
                record.FirstFailure ??= failure;
            }
        }
        return record;
    }

    public void Dispose() => _client.Dispose();

    private sealed class WorkerRecord
    {
        public List<double> LatenciesMs { get; } = new(capacity: 4096);

        public long LastAnswerTimestamp { get; set; }

        public int Failures { get; set; }

        public int CacheHits { get; set; }

        public string? FirstFailure { get; set; }
    }
}

/// <summary>Percentiles of a set of latencies, nearest-rank.</summary>
public sealed record LatencySummary(double P50Ms, double P95Ms, double P99Ms)
{
    public static LatencySummary From(IReadOnlyCollection<double> latenciesMs)
    {
        if (latenciesMs.Count == 0)
        {
            return new LatencySummary(double.NaN, double.NaN, double.NaN);
        }
        var sorted = latenciesMs.Order().ToArray();
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencySummary(Percentile(50), Percentile(95), Percentile(99));
    }
}
