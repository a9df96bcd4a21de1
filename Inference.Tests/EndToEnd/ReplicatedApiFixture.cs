using System.Globalization;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// A second AppHost of its own, with two API replicas and no admin UI, for the tests that kill API processes: the
/// shared AppHost keeps serving the other tests meanwhile.
/// </summary>
public sealed class ReplicatedApiFixture : AppHostFixtureBase
{
    public const int Replicas = 2;
    /// <summary>Short, so a killed process's items are taken over within seconds.</summary>
    public static readonly TimeSpan ReclaimAfter = TimeSpan.FromSeconds(3);

    protected override TestAppHostOptions Options => new()
    {
        Name = "replicas",
        ApiReplicas = Replicas,
        // These tests drive the API alone; the admin UI would only slow the start.
        RunsDashboard = false,
        ApiEnvironment = new Dictionary<string, string> { ["Jobs__ReclaimAfter"] = ReclaimAfter.ToString("c", CultureInfo.InvariantCulture) },
    };
}
