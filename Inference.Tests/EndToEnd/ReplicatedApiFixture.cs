using System.Globalization;

namespace Inference.Tests.EndToEnd;

/// <summary>The tests that share <see cref="ReplicatedApiFixture"/>; they run one after another (one kills every API process).</summary>
[CollectionDefinition(Name)]
public sealed class ReplicatedApiCollection : ICollectionFixture<ReplicatedApiFixture>
{
    public const string Name = "Replicated API";
}

/// <summary>
/// A second AppHost of its own, with two API replicas and no admin UI, for the tests that kill API processes: the
/// shared AppHost keeps serving the other tests meanwhile.
/// </summary>
public sealed class ReplicatedApiFixture : AppHostFixtureBase
{
    public const int Replicas = 2;
    /// <summary>Short, so a killed process's items are taken over within seconds.</summary>
    public static readonly TimeSpan ReclaimAfter = TimeSpan.FromSeconds(3);
    /// <summary>Invalid keys one client address may send per <see cref="FailedKeyWindow"/>, across both replicas.</summary>
    public const int FailedKeyLimit = 5;
    public static readonly TimeSpan FailedKeyWindow = TimeSpan.FromMinutes(1);

    protected override TestAppHostOptions Options => new()
    {
        Name = "replicas",
        ApiReplicas = Replicas,
        // These tests drive the API alone; the admin UI would only slow the start.
        RunsDashboard = false,
        ApiEnvironment = new Dictionary<string, string>
        {
            ["Jobs__ReclaimAfter"] = ReclaimAfter.ToString("c", CultureInfo.InvariantCulture),
            ["Inference__Auth__FailedKeys__FailuresPerWindow"] = FailedKeyLimit.ToString(CultureInfo.InvariantCulture),
            ["Inference__Auth__FailedKeys__Window"] = FailedKeyWindow.ToString("c", CultureInfo.InvariantCulture),
            // The failed-key tests check counts shared through Redis. On a loaded test machine a Redis reply can miss
            // the 100 ms default, and that failure is then counted by its replica alone (the degraded mode); a loose
            // deadline keeps these tests about the shared count.
            ["Inference__Dependencies__RateLimitTimeout"] = TimeSpan.FromSeconds(2).ToString("c", CultureInfo.InvariantCulture),
        },
    };
}
