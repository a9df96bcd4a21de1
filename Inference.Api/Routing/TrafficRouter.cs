using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Inference.Engine.Repository;

namespace Inference.Api.Routing;

/// <summary>
/// Chooses the version that answers a request, free of any transport so every protocol (REST, Open Inference
/// Protocol, gRPC) routes alike. An explicit version wins; otherwise the model's split decides, by a hash of the
/// sticky id (the same id gets the same version while the split is unchanged, on every replica) or at random
/// without one. Versions of the split that are no longer loaded are skipped (logged once per split).
/// </summary>
public sealed class TrafficRouter(ModelRepository repository, ILogger<TrafficRouter> logger)
{
    private volatile FrozenDictionary<string, TrafficSplit> _splits = FrozenDictionary<string, TrafficSplit>.Empty;
    private readonly ConcurrentDictionary<(string Model, DateTimeOffset UpdatedAt, string Missing), bool> _reportedFallbacks = new();

    public IReadOnlyCollection<TrafficSplit> Splits => _splits.Values;

    public TrafficSplit? SplitFor(string model) => _splits.GetValueOrDefault(model);

    /// <summary>Replaces every split at once (the refresher's view of the database).</summary>
    public void Replace(IEnumerable<TrafficSplit> splits) =>
        _splits = splits.ToFrozenDictionary(split => split.Model, StringComparer.OrdinalIgnoreCase);

    /// <summary>Applies one change at once in this replica; the others see it at their next refresh.</summary>
    public void Apply(string model, TrafficSplit? split)
    {
        var splits = _splits.ToDictionary(StringComparer.OrdinalIgnoreCase);
        if (split is null)
        {
            splits.Remove(model);
        }
        else
        {
            splits[model] = split;
        }

        Replace(splits.Values);
    }

    public TrafficDecision Route(string model, int? explicitVersion, string? stickyId)
    {
        if (explicitVersion is not null || !_splits.TryGetValue(model, out var split))
        {
            return new TrafficDecision(explicitVersion, null);
        }

        var loaded = repository.LoadedVersions(model);
        var decision = Choose(split, loaded.ContainsKey, Draw(model, stickyId));
        foreach (var version in split.Weights.Keys)
        {
            if (!loaded.ContainsKey(version))
            {
                ReportFallback(split, loaded, decision);
                break;
            }
        }

        return decision;
    }

    /// <summary>
    /// The split's choice for two numbers in [0, 1): the first picks the version by weight, the second whether the
    /// request is mirrored. Versions that are not <paramref name="isLoaded"/> are left out.
    /// </summary>
    public static TrafficDecision Choose(TrafficSplit split, Func<int, bool> isLoaded, (double Version, double Shadow) draw)
    {
        var candidates = split.Weights.Where(weight => weight.Value > 0 && isLoaded(weight.Key)).OrderBy(weight => weight.Key).ToArray();
        int? version = null;
        var total = candidates.Sum(candidate => candidate.Value);
        if (total > 0)
        {
            var point = draw.Version * total;
            version = candidates[^1].Key;
            foreach (var (candidate, weight) in candidates)
            {
                if (point < weight)
                {
                    version = candidate;
                    break;
                }

                point -= weight;
            }
        }

        var shadow = split.ShadowVersion is { } shadowVersion && isLoaded(shadowVersion) && draw.Shadow < split.ShadowShare
            ? shadowVersion
            : (int?)null;
        return new TrafficDecision(version, shadow);
    }

    /// <summary>Logs once per split and set of missing versions that the split names versions no longer loaded.</summary>
    private void ReportFallback(TrafficSplit split, IReadOnlyDictionary<int, ModelVersion> loaded, TrafficDecision decision)
    {
        var missing = string.Join(", ", split.Weights.Keys.Where(version => !loaded.ContainsKey(version)).Order());
        if (_reportedFallbacks.TryAdd((split.Model, split.UpdatedAt, missing), true))
        {
            logger.LogWarning("The traffic split of {Model} names version(s) {Missing} that are not loaded; {Serving} serve instead",
                split.Model, missing, decision.Version is null ? "the default version" : $"the other versions ({string.Join(", ", loaded.Keys.Order())})");
        }
    }

    /// <summary>Two numbers in [0, 1): from SHA-256 of model and sticky id (stable across replicas and restarts), or random.</summary>
    public static (double Version, double Shadow) Draw(string model, string? stickyId)
    {
        if (string.IsNullOrEmpty(stickyId))
        {
            return (Random.Shared.NextDouble(), Random.Shared.NextDouble());
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{model.ToLowerInvariant()}\n{stickyId}"), hash);
        return (ToUnitInterval(hash[..8]), ToUnitInterval(hash[8..16]));
    }

    private static double ToUnitInterval(ReadOnlySpan<byte> bytes) =>
        (BitConverter.ToUInt64(bytes) >> 11) * (1.0 / (1UL << 53));
}
