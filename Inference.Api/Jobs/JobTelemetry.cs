using System.Diagnostics.Metrics;
using Inference.Engine.Execution;

namespace Inference.Api.Jobs;

/// <summary>Batch-job counters on the product's "Inference" meter.</summary>
public sealed class JobTelemetry
{
    private readonly Counter<long> _items;
    private readonly Counter<long> _reclaimed;
    private long _backlog;

    public JobTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(InferenceTelemetry.Name);
        _items = meter.CreateCounter<long>("inference.jobs.items", "{item}",
            "Job items settled by outcome: succeeded, failed, skipped (job cancelled or gone), duplicate (redelivered after its result was stored), "
            + "retried (left for another attempt).");
        _reclaimed = meter.CreateCounter<long>("inference.jobs.reclaimed", "{item}",
            "Job items taken over from a consumer that stopped working on them.");
        meter.CreateObservableGauge("inference.jobs.backlog", () => Volatile.Read(ref _backlog), "{item}",
            "Job items in the stream not settled yet (waiting or running), as this replica last measured; the same for every replica.");
    }

    public void ItemsSettled(string outcome, int count)
    {
        if (count > 0)
        {
            _items.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void ItemsReclaimed(int count) => _reclaimed.Add(count);

    public void BacklogMeasured(long items) => Volatile.Write(ref _backlog, items);
}
