using System.Text.Json;
using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Inference.Api.Routing;

/// <summary>Traffic splits in Postgres (<c>traffic_splits</c>), the source every replica refreshes from; every call has the database deadline.</summary>
public sealed class TrafficSplitStore(InferenceDbContext db)
{
    public async Task<IReadOnlyList<TrafficSplit>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await DatabaseDeadline.RunAsync(token => db.TrafficSplits.AsNoTracking().ToListAsync(token), cancellationToken)).Select(ToSplit)];

    public async Task<TrafficSplit> SaveAsync(TrafficSplit split, CancellationToken cancellationToken)
    {
        var record = await DatabaseDeadline.RunAsync(token => db.TrafficSplits.FindAsync([split.Model], token).AsTask(), cancellationToken);
        if (record is null)
        {
            record = new TrafficSplitRecord { Model = split.Model, Weights = "{}" };
            db.TrafficSplits.Add(record);
        }

        record.Weights = JsonSerializer.Serialize(split.Weights);
        record.ShadowVersion = split.ShadowVersion;
        record.ShadowShare = split.ShadowShare;
        record.UpdatedAt = split.UpdatedAt;
        await DatabaseDeadline.RunAsync(token => db.SaveChangesAsync(token), cancellationToken);
        return split;
    }

    /// <summary>True when there was a split to delete.</summary>
    public async Task<bool> DeleteAsync(string model, CancellationToken cancellationToken) =>
        await DatabaseDeadline.RunAsync(token => db.TrafficSplits.Where(split => split.Model == model).ExecuteDeleteAsync(token), cancellationToken) > 0;

    private static TrafficSplit ToSplit(TrafficSplitRecord record) => new(
        record.Model,
        JsonSerializer.Deserialize<Dictionary<int, double>>(record.Weights) ?? [],
        record.ShadowVersion,
        record.ShadowShare,
        record.UpdatedAt);
}

/// <summary>
/// Re-reads every split from Postgres every <see cref="TrafficOptions.RefreshInterval"/> (2 s), so a change made
/// through any replica applies on all of them within seconds. While Postgres is unreachable the last splits read
/// keep applying.
/// </summary>
public sealed class TrafficSplitRefresher(
    IServiceScopeFactory scopes, TrafficRouter router, IOptions<TrafficOptions> options, ILogger<TrafficSplitRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        var failing = false;
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var splits = await scope.ServiceProvider.GetRequiredService<TrafficSplitStore>().ListAsync(stoppingToken);
                if (!SameAs(router.Splits, splits))
                {
                    router.Replace(splits);
                    logger.LogInformation("Traffic splits now: {Splits}", splits.Count == 0 ? "none" : string.Join("; ", splits.Select(Describe)));
                }

                failing = false;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    logger.LogWarning("Traffic splits could not be refreshed; the last ones read keep applying: {Reason}", exception.Message);
                }

                failing = true;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static bool SameAs(IReadOnlyCollection<TrafficSplit> current, IReadOnlyList<TrafficSplit> read) =>
        current.Count == read.Count
        && read.All(split => current.FirstOrDefault(known => string.Equals(known.Model, split.Model, StringComparison.OrdinalIgnoreCase)) is { } known
                             && known.UpdatedAt == split.UpdatedAt);

    public static string Describe(TrafficSplit split) =>
        $"{split.Model}: {string.Join("/", split.Weights.OrderBy(weight => weight.Key).Select(weight => $"v{weight.Key}={weight.Value}"))}"
        + (split.ShadowVersion is { } shadow ? $", shadow v{shadow} {split.ShadowShare:P0}" : "");
}
