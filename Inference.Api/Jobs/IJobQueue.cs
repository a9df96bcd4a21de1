namespace Inference.Api.Jobs;

/// <summary>
/// Where accepted job items wait to run: the Redis stream (<see cref="JobStream"/>, shared by every replica) or, in
/// embedded mode, a table in the one process's database (<see cref="DatabaseJobQueue"/>).
/// </summary>
public interface IJobQueue
{
    /// <summary>Items waiting (for the stream: its entries, processed ones included while they are kept).</summary>
    Task<long> LengthAsync();

    /// <summary>Adds one entry per item; they survive a restart of the process that added them.</summary>
    Task AddAsync(Guid jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken);
}
