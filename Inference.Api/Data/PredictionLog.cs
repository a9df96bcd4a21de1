using System.Threading.Channels;

namespace Inference.Api.Data;

/// <summary>
/// Hands predictions to <see cref="PredictionLogWriter"/> through a bounded channel, so logging never blocks
/// or fails a request. When the channel is full the entry is counted as dropped, not silently lost.
/// </summary>
public sealed class PredictionLog(ILogger<PredictionLog> logger)
{
    public const int Capacity = 10_000;

    private readonly Channel<PredictionRecord> _channel = Channel.CreateBounded<PredictionRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);

    internal ChannelReader<PredictionRecord> Reader => _channel.Reader;

    public void Add(PredictionRecord record)
    {
        if (!_channel.Writer.TryWrite(record))
        {
            var dropped = Interlocked.Increment(ref _dropped);
            if (dropped == 1 || dropped % 1000 == 0)
            {
                logger.LogWarning("Prediction log is full; {Dropped} entries dropped so far", dropped);
            }
        }
    }
}
