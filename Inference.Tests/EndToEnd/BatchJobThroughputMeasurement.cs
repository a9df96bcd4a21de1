using System.Diagnostics;
using System.Net.Http.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// Measures, never asserts: job throughput (1,000 and 10,000 texts) and what a running job does to online latency.
/// Opt-in, since it takes about a minute: <c>--filter-class Inference.Tests.EndToEnd.BatchJobThroughputMeasurement --explicit only --output detailed</c>
/// (build with <c>-c Release</c> for numbers worth recording).
/// </summary>
public sealed class BatchJobThroughputMeasurement(AppHostFixture fixture)
{
    private const int OnlineConcurrency = 4;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);
    private static int _textCounter;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task MeasureJobThroughputAndOnlineLatency()
    {
        var output = TestContext.Current.TestOutputHelper!;
        await RunJobAsync(200); // warm-up

        foreach (var size in new[] { 1_000, 10_000 })
        {
            var (job, wall) = await RunJobAsync(size);
            output.WriteLine($"job alone, {size:N0} texts: {Rate(job, wall)}");
        }

        using var online = new HttpClient { BaseAddress = fixture.App.GetEndpoint("inference-api", "http") };
        await MeasureOnlineAsync(online, OnlineConcurrency, until: Task.Delay(TimeSpan.FromSeconds(5), Cancellation)); // warm-up
        foreach (var concurrency in new[] { 1, OnlineConcurrency })
        {
            var idle = await MeasureOnlineAsync(online, concurrency, until: Task.Delay(TimeSpan.FromSeconds(10), Cancellation));
            output.WriteLine($"online alone, c{concurrency}: {idle}");

            var started = Stopwatch.GetTimestamp();
            var submitted = await BatchJobClient.SubmitAsync(fixture.Api, new { items = Texts(10_000) });
            var finished = BatchJobClient.WaitAsync(fixture.Api, submitted.Id, JobTimeout);
            var during = await MeasureOnlineAsync(online, concurrency, until: finished);
            output.WriteLine($"online during a 10,000-text job, c{concurrency}: {during}");
            output.WriteLine($"  the job meanwhile: {Rate(await finished, Stopwatch.GetElapsedTime(started))}");

            // Again after the job, so warm-up and order do not decide the comparison.
            var after = await MeasureOnlineAsync(online, concurrency, until: Task.Delay(TimeSpan.FromSeconds(10), Cancellation));
            output.WriteLine($"online alone again, c{concurrency}: {after}");
        }
    }

    private async Task<(JobDto Job, TimeSpan Wall)> RunJobAsync(int size)
    {
        var started = Stopwatch.GetTimestamp();
        var submitted = await BatchJobClient.SubmitAsync(fixture.Api, new { items = Texts(size) });
        var job = await BatchJobClient.WaitAsync(fixture.Api, submitted.Id, JobTimeout);
        Assert.Equal("completed", job.State);
        return (job, Stopwatch.GetElapsedTime(started));
    }

    private static string Rate(JobDto job, TimeSpan wall)
    {
        var server = (job.FinishedAt!.Value - job.CreatedAt).TotalSeconds;
        return $"{job.TotalItems / server:F0} items/s (accepted → finished {server:F2} s; client POST → seen finished {wall.TotalSeconds:F2} s, {job.TotalItems / wall.TotalSeconds:F0} items/s)";
    }

    /// <summary>Closed loop: each worker sends its next distinct text as soon as the last is answered, until <paramref name="until"/> completes.</summary>
    private static async Task<string> MeasureOnlineAsync(HttpClient client, int concurrency, Task until)
    {
        var latencies = new List<double>();
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var mine = new List<double>();
            while (!until.IsCompleted)
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.PostAsJsonAsync("/api/predict/text", new { text = Texts(1)[0] }, Cancellation);
                response.EnsureSuccessStatusCode();
                mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
            return mine;
        }).ToArray();
        foreach (var worker in await Task.WhenAll(workers))
        {
            latencies.AddRange(worker);
        }
        await until;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        latencies.Sort();
        double Percentile(double p) => latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Count) - 1, 0, latencies.Count - 1)];
        return $"{latencies.Count / seconds:F0} req/s, p50 {Percentile(0.50):F1} ms, p95 {Percentile(0.95):F1} ms, p99 {Percentile(0.99):F1} ms ({latencies.Count} requests)";
    }

    /// <summary>Distinct texts (the prediction cache must not answer them), a few words each like a short review.</summary>
    private static string[] Texts(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => Interlocked.Increment(ref _textCounter)).Select(n => n % 2 == 0
            ? $"Measured review {n}: a wonderful film, I loved every minute of it."
            : $"Measured review {n}: terrible and boring, a complete waste of money.")];
}
