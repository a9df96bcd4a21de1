using System.Diagnostics.Metrics;
using Inference.Engine.Execution;

namespace Inference.Api.Serving;

/// <summary>
/// The last minutes of this replica's serving, per second, from the engine's own instruments (<see cref="InferenceTelemetry"/>):
/// predictions and failures, admission refusals (503 before any work), latency in a log-scaled histogram, cache hits and
/// batch sizes. Reading a window adds up at most
/// <see cref="Retention"/> seconds of counters, so the admin console can poll it every few seconds at no cost to the database.
/// </summary>
public sealed class RecentTraffic : IHostedService, IDisposable
{
    /// <summary>How far back the figures reach.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(5);

    private const string Requests = "inference.requests";
    private const string Duration = "inference.request.duration";
    private const string BatchSize = "inference.batch.size";
    private const string CacheLookups = "inference.cache.lookups";
    private const string AdmissionRefusals = "inference.admission.refusals";

    private readonly Second[] _seconds = new Second[(int)Retention.TotalSeconds];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();

    public RecentTraffic(IMeterFactory meterFactory, TimeProvider time)
    {
        _time = time;
        for (var i = 0; i < _seconds.Length; i++)
        {
            _seconds[i] = new Second();
        }
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this host's meter: tests may run several hosts in one process.
            if (instrument.Meter.Name == InferenceTelemetry.Name && instrument.Meter.Scope == meterFactory
                && instrument.Name is Requests or Duration or BatchSize or CacheLookups or AdmissionRefusals)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.SetMeasurementEventCallback<int>(OnInt);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Instruments published before the start are announced now.
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The figures of the last <paramref name="window"/> (at most <see cref="Retention"/>).</summary>
    public TrafficWindow Read(TimeSpan window)
    {
        var seconds = (int)Math.Clamp(window.TotalSeconds, 1, _seconds.Length);
        lock (_gate)
        {
            return Sum(Now(), seconds);
        }
    }

    /// <summary>
    /// The last <see cref="Retention"/> in steps of <paramref name="step"/>, oldest first, each with the time its step ended.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset End, TrafficWindow Traffic)> ReadSeries(TimeSpan step)
    {
        var now = Now();
        var stepSeconds = (int)Math.Clamp(step.TotalSeconds, 1, _seconds.Length);
        var steps = _seconds.Length / stepSeconds;
        var series = new List<(DateTimeOffset, TrafficWindow)>(steps);
        lock (_gate)
        {
            for (var index = steps - 1; index >= 0; index--)
            {
                var end = now - (long)index * stepSeconds;
                series.Add((DateTimeOffset.FromUnixTimeSeconds(end + 1), Sum(end, stepSeconds)));
            }
        }
        return series;
    }

    // Callers hold _gate.
    private TrafficWindow Sum(long lastSecond, int seconds)
    {
        var traffic = new TrafficWindow(seconds);
        for (var at = lastSecond - seconds + 1; at <= lastSecond; at++)
        {
            var second = _seconds[Slot(at)];
            if (second.At == at)
            {
                traffic.Add(second);
            }
        }
        return traffic;
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == Requests)
        {
            var failed = !string.Equals(Tag(tags, "outcome"), "success", StringComparison.Ordinal);
            Update(second =>
            {
                second.Predictions += value;
                second.Failures += failed ? value : 0;
            });
        }
        else if (instrument.Name == AdmissionRefusals)
        {
            Update(second => second.Refusals += value);
        }
        else if (instrument.Name == CacheLookups && string.Equals(Tag(tags, "result"), "hit", StringComparison.Ordinal))
        {
            Update(second => second.CacheHits += value);
        }
    }

    // The duration histogram is in seconds; the overview's latency buckets are in milliseconds.
    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state) =>
        Update(second => second.Latency[LatencyHistogram.BucketOf(value * 1000)]++);

    private void OnInt(Instrument instrument, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state) =>
        Update(second =>
        {
            second.Batches++;
            second.BatchedRequests += value;
        });

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }
        return null;
    }

    private void Update(Action<Second> change)
    {
        var now = Now();
        lock (_gate)
        {
            var second = _seconds[Slot(now)];
            if (second.At != now)
            {
                second.Reset(now);
            }
            change(second);
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeSeconds();

    private int Slot(long at) => (int)(at % _seconds.Length);

    public void Dispose() => _listener.Dispose();

    /// <summary>One second's counters; reused as the ring turns.</summary>
    internal sealed class Second
    {
        public long At { get; private set; } = -1;
        public long Predictions { get; set; }
        public long Failures { get; set; }
        public long CacheHits { get; set; }
        public long Refusals { get; set; }
        public long Batches { get; set; }
        public long BatchedRequests { get; set; }
        public long[] Latency { get; } = new long[LatencyHistogram.BucketCount];

        public void Reset(long at)
        {
            At = at;
            Predictions = Failures = CacheHits = Refusals = Batches = BatchedRequests = 0;
            Array.Clear(Latency);
        }
    }
}
