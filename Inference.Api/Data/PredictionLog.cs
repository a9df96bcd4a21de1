using System.Threading.Channels;
using Inference.Api.Monitoring;
using Inference.Engine.Execution;
using Microsoft.Extensions.Options;

namespace Inference.Api.Data;

/// <summary>
/// Hands predictions to <see cref="PredictionLogWriter"/> through a bounded channel, so logging never blocks
/// or fails a request. While the database is unreachable entries wait here up to the capacity; beyond it they are
/// counted as dropped (metric <c>inference.predictionlog.dropped</c> and a log line), never lost silently.
/// </summary>
public sealed class PredictionLog
{
    private readonly Channel<PredictionRecord> _channel;
    private readonly ILogger<PredictionLog> _logger;
    private readonly InferenceTelemetry _telemetry;
    private long _dropped;

    public PredictionLog(IOptions<PredictionLogOptions> options, InferenceTelemetry telemetry, PlatformTelemetry platform, ILogger<PredictionLog> logger)
    {
        Options = options.Value;
        _telemetry = telemetry;
        _logger = logger;
        _channel = Channel.CreateBounded<PredictionRecord>(
            new BoundedChannelOptions(Math.Max(1, Options.Capacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        platform.ObserveLogPending(() => _channel.Reader.Count);
    }

    public PredictionLogOptions Options { get; }

    public bool Enabled => Options.Enabled;

    public long Dropped => Interlocked.Read(ref _dropped);

    internal ChannelReader<PredictionRecord> Reader => _channel.Reader;

    /// <summary>The start of a text as the log keeps it, or null when previews are off.</summary>
    public string? Preview(string text) =>
        !Options.InputPreviews ? null : text.Length <= Options.InputPreviewLength ? text : text[..Options.InputPreviewLength];

    public void Add(PredictionRecord record)
    {
        if (!Options.Enabled)
        {
            return;
        }
        // Callers' text (an unknown model's name, a label, a long preview) is cut to the columns' sizes here: one
        // over-long value would otherwise make Postgres refuse the whole batch it travels in.
        record.Model = Clamp(record.Model, PredictionRecord.MaxModelLength)!;
        record.Label = Clamp(record.Label, PredictionRecord.MaxLabelLength);
        record.InputPreview = Clamp(record.InputPreview, PredictionRecord.MaxPreviewLength);
        if (!_channel.Writer.TryWrite(record))
        {
            CountDropped(1, "the queue for the database is full");
        }
    }

    private static string? Clamp(string? value, int length) => value is not null && value.Length > length ? value[..length] : value;

    /// <summary>Counts entries that will never reach the database, with a log line now and then.</summary>
    internal void CountDropped(long count, string reason)
    {
        var before = Interlocked.Add(ref _dropped, count) - count;
        _telemetry.RecordLogDropped(count);
        if (before == 0 || before / 1000 != (before + count) / 1000)
        {
            _logger.LogWarning("Prediction log dropped {Count} entries ({Reason}); {Dropped} dropped so far", count, reason, before + count);
        }
    }
}
