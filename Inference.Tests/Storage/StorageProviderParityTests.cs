using System.Text.Json;
using Inference.Api.Data;
using Inference.Api.Jobs;
using Inference.Tests.EndToEnd;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Inference.Tests.Storage;

/// <summary>
/// The provider-specific paths checked against each other on the same data: the prediction log inserters (Postgres' COPY,
/// SQLite's batched inserts), analytics (Postgres' SQL, the in-process aggregation SQLite uses) and the idempotent job
/// result write. Postgres is the shared AppHost's; SQLite a fresh file migrated by its own migrations.
/// </summary>
public sealed class StorageProviderParityTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly string _sqliteFile = Path.Combine(Path.GetTempPath(), $"inference-parity-{Guid.NewGuid():N}.db");
    private string _postgres = "";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _postgres = await fixture.GetConnectionStringAsync("inferencedb");
        await using var sqlite = Sqlite();
        await sqlite.Database.MigrateAsync(Cancellation);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_sqliteFile);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task AnalyticsAnswerTheSameOnBothProvidersForTheSameRows()
    {
        var model = $"parity-{Guid.NewGuid():N}";
        // Whole seconds: Postgres keeps microseconds, so a finer window start would move its buckets' origin.
        var from = new DateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var to = from.AddMinutes(50);
        var rows = SampleLog(model, from, to);
        await using (var postgres = Postgres())
        {
            await new PostgresCopyLogInserter().InsertAsync(postgres, rows, Cancellation);
        }
        await using (var sqlite = Sqlite())
        {
            await new SqliteLogInserter().InsertAsync(sqlite, rows, Cancellation);
        }

        await using var postgresDb = Postgres();
        await using var sqliteDb = Sqlite();
        IPredictionAnalytics sql = new PredictionAnalytics(postgresDb);
        IPredictionAnalytics inProcess = new SqlitePredictionAnalytics(sqliteDb);
        foreach (var versions in new[] { null, new[] { 1, 2 }, new[] { 2 } })
        {
            var expected = await sql.StatisticsAsync(model, from, to, versions, Cancellation);
            Assert.NotEmpty(expected);
            Assert.Equal(Json(expected), Json(await inProcess.StatisticsAsync(model, from, to, versions, Cancellation)));
            Assert.Equal(Json(await sql.ShadowAgreementAsync(model, from, to, versions, Cancellation)),
                Json(await inProcess.ShadowAgreementAsync(model, from, to, versions, Cancellation)));
        }
        var buckets = await sql.BucketsAsync(model, from, to, TimeSpan.FromMinutes(5), Cancellation);
        Assert.True(buckets.Count > 10, $"only {buckets.Count} buckets");
        Assert.Equal(Json(buckets), Json(await inProcess.BucketsAsync(model, from, to, TimeSpan.FromMinutes(5), Cancellation)));
        var agreement = await sql.ShadowAgreementAsync(model, from, to, null, Cancellation);
        Assert.Contains(agreement, pair => pair.Pairs > 10 && pair.Agreements < pair.Pairs);
    }

    [Fact]
    public async Task JobResultsAreStoredOnceAndCountedOnBothProviders()
    {
        var postgres = await RecordResultsAsync(services => services.AddDbContext<InferenceDbContext>(options => options.UseNpgsql(_postgres)));
        var sqlite = await RecordResultsAsync(services => services.AddDbContext<InferenceDbContext, SqliteInferenceDbContext>(
            options => options.UseSqlite($"Data Source={_sqliteFile}")));

        // Stored: 2, a redelivery (nothing), the rest with one failure, a repeat (nothing), a cancelled job (nothing).
        Assert.Equal("True False True False False | completed 4/4 failed 1 finished True | 0,1,2,3 | cancelled 0", postgres);
        Assert.Equal(postgres, sqlite);
    }

    private static async Task<string> RecordResultsAsync(Action<IServiceCollection> addDatabase)
    {
        var services = new ServiceCollection();
        addDatabase(services);
        await using var provider = services.BuildServiceProvider();
        var store = new BatchJobStore(provider.GetRequiredService<IServiceScopeFactory>());
        var job = NewJob(BatchJobStates.Queued);
        var cancelled = NewJob(BatchJobStates.Cancelled);
        await store.CreateAsync(job, Cancellation);
        await store.CreateAsync(cancelled, Cancellation);

        bool[] stored =
        [
            await store.RecordResultsAsync(job.Id, [Result(0), Result(1)], "parity", Cancellation),
            await store.RecordResultsAsync(job.Id, [Result(1)], "parity", Cancellation),
            await store.RecordResultsAsync(job.Id, [Result(1), Result(2), Result(3, succeeded: false)], "parity", Cancellation),
            await store.RecordResultsAsync(job.Id, [Result(3)], "parity", Cancellation),
            await store.RecordResultsAsync(cancelled.Id, [Result(0)], "parity", Cancellation),
        ];
        var row = (await store.FindAsync(job.Id, Cancellation))!;
        var items = await store.ReadResultsAsync(job.Id, -1, 100, Cancellation);
        var cancelledRow = (await store.FindAsync(cancelled.Id, Cancellation))!;
        return $"{string.Join(' ', stored)} | {row.State} {row.ProcessedItems}/{row.TotalItems} failed {row.FailedItems} finished {row.FinishedAt is not null} | "
               + $"{string.Join(',', items.Select(item => item.ItemIndex))} | {cancelledRow.State} {cancelledRow.ProcessedItems}";
    }

    private static BatchJob NewJob(string state) => new()
    {
        Id = Guid.CreateVersion7(),
        Model = "parity",
        ItemKind = JobItemKinds.Text,
        State = state,
        TotalItems = 4,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static BatchJobResult Result(int index, bool succeeded = true) => new()
    {
        ItemIndex = index,
        Succeeded = succeeded,
        Label = succeeded ? "positive" : null,
        Score = succeeded ? 0.9f : null,
        Predictions = succeeded ? """[{"label":"positive","score":0.9}]""" : null,
        Error = succeeded ? null : "bad item",
        Attempts = 1,
    };

    /// <summary>
    /// A log with every case analytics distinguishes: two versions, failures of two kinds, cache hits, shadow copies that
    /// agree or not (some failing, some whose served row is just before the window), rows outside the window.
    /// </summary>
    private static List<PredictionRecord> SampleLog(string model, DateTimeOffset from, DateTimeOffset to)
    {
        var random = new Random(25);
        var rows = new List<PredictionRecord>();
        for (var index = 0; index < 600; index++)
        {
            var at = from.AddMilliseconds(-90_000 + index * (to - from + TimeSpan.FromMinutes(3)).TotalMilliseconds / 600);
            var outcome = random.NextDouble() switch { < 0.08 => "Overloaded", < 0.12 => "InvalidInput", _ => PredictionOutcomes.Success };
            var label = outcome == PredictionOutcomes.Success ? (random.NextDouble() < 0.6 ? "positive" : "negative") : null;
            var served = Row(model, at, version: random.Next(1, 3), outcome, label, random, trace: $"trace-{index}");
            rows.Add(served);
            if (served.ModelVersion == 1 && random.NextDouble() < 0.5)
            {
                var copyOutcome = random.NextDouble() < 0.1 ? "Overloaded" : PredictionOutcomes.Success;
                var copyLabel = copyOutcome != PredictionOutcomes.Success ? null : random.NextDouble() < 0.7 ? label : "negative";
                var copy = Row(model, at.AddMilliseconds(random.Next(1, 400)), version: 2, copyOutcome, copyLabel, random, served.TraceId);
                copy.Shadow = true;
                copy.InputHash = served.InputHash;
                rows.Add(copy);
            }
        }
        return rows;
    }

    private static PredictionRecord Row(string model, DateTimeOffset at, int version, string outcome, string? label, Random random, string? trace) => new()
    {
        CreatedAt = at,
        Model = model,
        ModelVersion = version,
        Route = "predict/text",
        InputHash = $"hash-{random.Next(1_000_000)}",
        Label = label,
        Score = label is null ? 0 : 0.9f,
        InferenceTimeMs = 1,
        LatencyMs = Math.Round(random.NextDouble() * 200, 3),
        Cached = outcome == PredictionOutcomes.Success && random.NextDouble() < 0.2,
        Outcome = outcome,
        TraceId = trace,
    };

    private static string Json(IReadOnlyList<VersionStatistics> statistics) => JsonSerializer.Serialize(statistics.Select(version => version with
    {
        Labels = new SortedDictionary<string, long>(version.Labels.ToDictionary()),
        ErrorsByKind = new SortedDictionary<string, long>(version.ErrorsByKind.ToDictionary()),
    }));

    private static string Json<T>(IReadOnlyList<T> items) => JsonSerializer.Serialize(items);

    private InferenceDbContext Postgres() =>
        new(new DbContextOptionsBuilder<InferenceDbContext>().UseNpgsql(_postgres).Options);

    private SqliteInferenceDbContext Sqlite() =>
        new(new DbContextOptionsBuilder<SqliteInferenceDbContext>().UseSqlite($"Data Source={_sqliteFile}").Options);
}
