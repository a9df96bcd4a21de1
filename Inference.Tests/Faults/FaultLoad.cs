using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Inference.Tests.Faults;

/// <summary>One request the load sent: its kind, status (0: no answer), when it started (on the load's clock) and how long it took.</summary>
public sealed record Sample(string Kind, int Status, TimeSpan Start, TimeSpan Elapsed, string? Detail)
{
    public TimeSpan End => Start + Elapsed;
}

/// <summary>
/// Steady traffic through a fault: predictions (half of them repeats, so the cache is read), an admin read that needs
/// Postgres, the readiness probe, and a control request (<c>/alive</c>, which consults no dependency), each recorded
/// with its status, start and latency. The control measures what the machine alone costs at each moment: on a loaded
/// two-core box a request can stall for seconds on the CPU, and that stall is no dependency's doing.
/// </summary>
public sealed class FaultLoad(HttpClient api, string marker)
{
    public const string Prediction = "prediction";
    public const string Admin = "admin";
    public const string Readiness = "readiness";
    public const string Control = "control";

    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _sent;

    public IReadOnlyCollection<Sample> Samples => _samples;

    /// <summary>Predictions answered with 200, each of which must reach the prediction log.</summary>
    public int Served => _samples.Count(sample => sample.Kind == Prediction && sample.Status == 200);

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(
        PredictAsync(stop), PredictAsync(stop),
        RepeatAsync(Admin, "/api/admin/audit?limit=1", TimeSpan.FromMilliseconds(300), stop),
        RepeatAsync(Readiness, "/health", TimeSpan.FromMilliseconds(250), stop),
        RepeatAsync(Control, "/alive", TimeSpan.FromMilliseconds(100), stop));

    private async Task PredictAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var number = Interlocked.Increment(ref _sent);
            // Every other text was sent before: served from the cache when Redis answers.
            var text = number % 2 == 0 ? $"A repeated sentence {number % 10} {marker}" : $"A new sentence {number} {marker}";
            await MeasureAsync(Prediction, () => api.PostAsJsonAsync("/api/predict/text", new { text }, CancellationToken.None));
        }
    }

    private async Task RepeatAsync(string kind, string path, TimeSpan interval, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await MeasureAsync(kind, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Add("X-Api-Key", ApiProcess.AdminKey);
                return api.SendAsync(request, CancellationToken.None);
            });
            try
            {
                await Task.Delay(interval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task MeasureAsync(string kind, Func<Task<HttpResponseMessage>> send)
    {
        var start = _clock.Elapsed;
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            _samples.Enqueue(new Sample(kind, (int)response.StatusCode, start, _clock.Elapsed - start, kind == Readiness ? ReadinessStatus(body) : Shorten(body)));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            _samples.Enqueue(new Sample(kind, 0, start, _clock.Elapsed - start, exception.Message));
        }
    }

    private static string? ReadinessStatus(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("status").GetString();
        }
        catch (JsonException)
        {
            return Shorten(body);
        }
    }

    private static string Shorten(string body) => body.Length > 200 ? body[..200] : body;
}
