using System.Globalization;

namespace Inference.Tests.EndToEnd;

/// <summary>The tests that share <see cref="IsolatedApiFixture"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class IsolatedApiCollection : ICollectionFixture<IsolatedApiFixture>
{
    public const string Name = "Isolated API";
}

/// <summary>
/// An AppHost of its own (one API, no admin UI, retention every 2 s) for the tests that stop Postgres or Redis: the
/// shared AppHost keeps serving the other tests meanwhile.
/// </summary>
public sealed class IsolatedApiFixture : AppHostFixtureBase
{
    /// <summary>Short, so retention can be watched deleting.</summary>
    public static readonly TimeSpan RetentionInterval = TimeSpan.FromSeconds(2);

    protected override TestAppHostOptions Options => new()
    {
        Name = "isolated",
        RunsDashboard = false,
        ApiEnvironment = new Dictionary<string, string>
        {
            ["Inference__PredictionLog__RetentionInterval"] = RetentionInterval.ToString("c", CultureInfo.InvariantCulture),
        },
        // DegradedDependencyTests stops Postgres, then Redis: the clients and the health checks say so.
        ExpectedErrors =
        [
            new("StackExchange.Redis.ConnectionMultiplexer", "SocketClosed", "Redis stops under the API's open connections."),
            new("StackExchange.Redis.ConnectionMultiplexer", "SocketFailure (ReadSocketError/ConnectionReset",
                "Redis stopping may reset a connection with a command in flight (the job consumer's XREADGROUP) instead of closing it."),
            new("Microsoft.EntityFrameworkCore.Database.Connection", "An error occurred using the connection to database 'inferencedb'",
                "Queries meet Postgres stopped."),
            new("Microsoft.EntityFrameworkCore.Database.Command", "Failed executing DbCommand", "Commands in flight when Postgres stops fail."),
            new("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", "Health check InferenceDbContext with status Unhealthy",
                "The database health check fails while Postgres is stopped."),
            new("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", "Health check StackExchange.Redis with status Unhealthy",
                "The Redis health check fails while Redis is stopped."),
        ],
    };
}
