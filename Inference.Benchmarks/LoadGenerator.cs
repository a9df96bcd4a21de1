using System.Diagnostics;
using System.Net;

namespace Inference.Benchmarks;

/// <summary>Throughput and latency of one measured scenario.</summary>
/// <param name="Failures">Every answer that was not a success, refusals and client timeouts included.</param>
/// <param name="Refused">503 answers: load shed by admission control.</param>
/// <param name="Timeouts">Requests the client gave up on (the scenario's client timeout).</param>
/// <param name="SuccessLatency">Latency of the successful answers only.</param>
/// <param name="RefusalLatency">Latency of the 503 answers only: how fast a refusal comes back.</param>
/// <param name="GeneratorCores">CPU the load generator itself used, in cores, averaged over warm-up and measurement.</param>
public sealed record LoadResult(
    int Concurrency, int Requests, int Failures, int CacheHits, double Seconds, LatencySummary Latency, string? FirstFailure, double GeneratorCores)
{
    public int Refused { get; init; }

    public int Timeouts { get; init; }

    public LatencySummary SuccessLatency { get; init; } = LatencySummary.From([]);

    public LatencySummary RefusalLatency { get; init; } = LatencySummary.From([]);

    public double Throughput => Requests / Seconds;

    /// <summary>Successful answers per second.</summary>
    public double Goodput => (Requests - Failures) / Seconds;
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
    /// <paramref name="duration"/>. Throughput counts those requests over the time until the last one answered. With a
    /// <paramref name="clientTimeout"/>, a request unanswered by then is abandoned and counted as a client timeout, and
    /// a worker refused with 503 waits its <c>Retry-After</c> (plus up to half as much again, so refused clients do not
    /// return in step) before its next request, as real clients do; the wait is no request's latency.
    /// </summary>
    public async Task<LoadResult> RunAsync(
        Func<HttpRequestMessage> createRequest, int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken,
        TimeSpan? clientTimeout = null)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var began = Stopwatch.GetTimestamp();
        var measureFrom = began + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => WorkAsync(createRequest, measureFrom, stopAt, clientTimeout, cancellationToken), cancellationToken))
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
            generatorCores)
        {
            Refused = records.Sum(record => record.RefusedLatenciesMs.Count),
            Timeouts = records.Sum(record => record.Timeouts),
            SuccessLatency = LatencySummary.From([.. records.SelectMany(record => record.SuccessLatenciesMs)]),
            RefusalLatency = LatencySummary.From([.. records.SelectMany(record => record.RefusedLatenciesMs)]),
        };
    }

    private async Task<WorkerRecord> WorkAsync(
        Func<HttpRequestMessage> createRequest, long measureFrom, long stopAt, TimeSpan? clientTimeout, CancellationToken cancellationToken)
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
            var refused = false;
            var timedOut = false;
            TimeSpan? retryAfter = null;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (clientTimeout is { } limit)
            {
                deadline.CancelAfter(limit);
            }
            try
            {
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
                var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
                if (!response.IsSuccessStatusCode)
                {
                    failure = $"{(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}";
                    refused = response.StatusCode == HttpStatusCode.ServiceUnavailable;
                    retryAfter = RetryAfter(response);
                }
                cached = body.AsSpan().IndexOf(CachedFlag) >= 0;
            }
            catch (HttpRequestException exception)
            {
                failure = exception.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"client timeout after {clientTimeout?.TotalSeconds:0.#} s";
                timedOut = true;
            }

            var answered = Stopwatch.GetTimestamp();
            if (refused && clientTimeout is not null)
            {
                await BackOffAsync(retryAfter, stopAt, cancellationToken);
            }
            if (sent < measureFrom)
            {
                continue;
            }
            var latencyMs = Stopwatch.GetElapsedTime(sent, answered).TotalMilliseconds;
            record.LatenciesMs.Add(latencyMs);
            (failure is null ? record.SuccessLatenciesMs : refused ? record.RefusedLatenciesMs : null)?.Add(latencyMs);
            record.Timeouts += timedOut ? 1 : 0;
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

    /// <summary>The refusal's Retry-After (seconds or a date); a 503 without one asks for a second, as the API's minimum.</summary>
    private static TimeSpan RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => TimeSpan.FromSeconds(1),
    };

    /// <summary>Waits the delay asked for and a random part of half of it more, never past the end of the measured time.</summary>
    private static async Task BackOffAsync(TimeSpan? retryAfter, long stopAt, CancellationToken cancellationToken)
    {
        var asked = retryAfter ?? TimeSpan.FromSeconds(1);
        var wait = asked + asked * (Random.Shared.NextDouble() / 2);
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), stopAt);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(wait < left ? wait : left, cancellationToken);
        }
    }

    public void Dispose() => _client.Dispose();

    private sealed class WorkerRecord
    {
        public List<double> LatenciesMs { get; } = new(capacity: 4096);

        public List<double> SuccessLatenciesMs { get; } = new(capacity: 4096);

        public List<double> RefusedLatenciesMs { get; } = [];

        public int Timeouts { get; set; }

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
