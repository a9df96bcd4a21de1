using System.Globalization;

namespace Inference.Tests.EndToEnd;

/// <summary>The API-key and rate-limit tests share one AppHost and run one after another (one stops Redis).</summary>
[CollectionDefinition(Name)]
public sealed class SecuredApiCollection : ICollectionFixture<SecuredApiFixture>
{
    public const string Name = "Secured API";
}

/// <summary>
/// An AppHost of its own with keys required (as in production), two API replicas sharing Redis-backed rate limits, a
/// small <c>predict</c> limit, and no admin UI. Tests that stop Redis do it here, away from the shared AppHost.
/// </summary>
public sealed class SecuredApiFixture : AppHostFixtureBase
{
    public const string RedisResource = "redis";
    public const int Replicas = 2;
    /// <summary>Predictions one key may make per <see cref="PredictWindow"/>, across both replicas.</summary>
    public const int PredictLimit = 5;
    public static readonly TimeSpan PredictWindow = TimeSpan.FromMinutes(1);

    protected override TestAppHostOptions Options => new()
    {
        Name = "secured",
        ApiReplicas = Replicas,
        RunsDashboard = false,
        RequiresApiKeys = true,
        ApiEnvironment = new Dictionary<string, string>
        {
            ["Inference__RateLimits__Predict__PermitLimit"] = PredictLimit.ToString(CultureInfo.InvariantCulture),
            ["Inference__RateLimits__Predict__Window"] = PredictWindow.ToString("c", CultureInfo.InvariantCulture),
            // The tests create and list keys in quick succession with the one bootstrap key.
            ["Inference__RateLimits__Admin__PermitLimit"] = "1000",
            // Job consumers would only add load; these tests submit no jobs.
            ["Jobs__ConsumerEnabled"] = "false",
        },
        ExpectedErrors =
        [
            new("StackExchange.Redis.ConnectionMultiplexer", "SocketClosed",
                "RateLimitTests stops Redis: each replica's open connections see the socket close."),
        ],
    };
}
