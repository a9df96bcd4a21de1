using System.Collections.Concurrent;
using Inference.Api.Data;
using Inference.Api.Inference;
using Inference.Api.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// The job consumer against the AppHost's real Redis and Postgres, run in this process on a stream of its own with
/// a scripted runner, so failures and dead consumers can be staged exactly.
/// </summary>
public sealed class JobConsumerTests(AppHostFixture fixture)
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Answers every item at once, except those its script fails; records how often each item ran.</summary>
    private sealed class ScriptedRunner(Func<JobDelivery, JobItemOutcome?>? script = null, TimeSpan? delay = null, bool onlineTraffic = false)
        : IJobItemRunner
    {
        private int _running;

        public ConcurrentDictionary<int, int> Runs { get; } = new();

        public ConcurrentQueue<(int Items, int RunningAtOnce)> Calls { get; } = new();

        public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public bool OnlineTrafficWithin(TimeSpan window) => onlineTraffic;

        public async Task<JobItemOutcome[]> RunAsync(BatchJob job, IReadOnlyList<JobDelivery> items, CancellationToken cancellationToken)
        {
            Calls.Enqueue((items.Count, Interlocked.Increment(ref _running)));
            await Task.Delay(delay ?? TimeSpan.Zero, cancellationToken);
            Interlocked.Decrement(ref _running);
            return [.. items.Select(item =>
            {
                Runs.AddOrUpdate(item.ItemIndex, 1, (_, runs) => runs + 1);
                return script?.Invoke(item) ?? JobItemOutcome.Success(
                    new ClassificationResult(job.Model, job.ModelVersion, "positive", 0.9f, [new("positive", 0.9f), new("negative", 0.1f)], 1));
            })];
        }
    }

    private sealed class Harness(ServiceProvider services, IConnectionMultiplexer redis, BatchJobOptions options) : IAsyncDisposable
    {
        private readonly List<JobConsumer> _started = [];

        public BatchJobStore Store => services.GetRequiredService<BatchJobStore>();

        public JobStream Stream => services.GetRequiredService<JobStream>();

        public IDatabase Redis => redis.GetDatabase();

        public BatchJobOptions Options => options;

        public async Task<JobConsumer> StartConsumerAsync()
        {
            var consumer = ActivatorUtilities.CreateInstance<JobConsumer>(services);
            await consumer.StartAsync(Cancellation);
            _started.Add(consumer);
            return consumer;
        }

        public async Task<BatchJob> CreateJobAsync(int items)
        {
            var job = new BatchJob
            {
                Id = Guid.CreateVersion7(), Model = "scripted", ModelVersion = 1, ItemKind = JobItemKinds.Text,
                State = BatchJobStates.Queued, TotalItems = items, CreatedAt = DateTimeOffset.UtcNow,
            };
            await Store.CreateAsync(job, Cancellation);
            await Stream.EnsureGroupAsync();
            await Stream.AddAsync(job.Id, [.. Enumerable.Range(0, items).Select(i => new JobItem(i, $"item {i}", null))], Cancellation);
            return job;
        }

        public Task<BatchJob> WaitUntilFinishedAsync(Guid id) =>
            Eventually.PollAsync(async cancellationToken => (await Store.FindAsync(id, cancellationToken))!,
                job => BatchJobStates.IsFinished(job.State), Timeout,
                job => $"job {id} is {job.State} with {job.ProcessedItems}/{job.TotalItems} items", Cancellation, TimeSpan.FromMilliseconds(100));

        public async Task<List<BatchJobResult>> ResultsAsync(Guid id)
        {
            var results = new List<BatchJobResult>();
            await foreach (var result in Store.StreamResultsAsync(id, Cancellation))
            {
                results.Add(result);
            }
            return results;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var consumer in _started)
            {
                await consumer.StopAsync(CancellationToken.None);
                consumer.Dispose();
            }
            await Redis.KeyDeleteAsync(options.StreamKey);
            await services.DisposeAsync();
            await redis.DisposeAsync();
        }
    }

    private async Task<Harness> CreateHarnessAsync(IJobItemRunner runner, Action<BatchJobOptions>? configure = null)
    {
        var options = new BatchJobOptions
        {
            StreamKey = $"test:jobs:{Guid.NewGuid():N}",
            ConsumerGroup = "test-consumers",
            ReadBatchSize = 16,
            PollInterval = TimeSpan.FromMilliseconds(50),
            ReclaimAfter = TimeSpan.FromMilliseconds(600),
            MaxAttempts = MaxAttempts,
        };
        configure?.Invoke(options);
        var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.GetConnectionStringAsync("redis"));
        var database = await fixture.GetConnectionStringAsync("inferencedb");
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddDbContext<InferenceDbContext>(context => context.UseNpgsql(database))
            .AddSingleton<IConnectionMultiplexer>(redis)
            .AddSingleton(Options.Create(options))
            .AddSingleton<JobStream>()
            .AddSingleton<BatchJobStore>()
            .AddSingleton<JobTelemetry>()
            .AddSingleton(runner)
            .BuildServiceProvider();
        return new Harness(services, redis, options);
    }

    [Fact]
    public async Task ItemThatKeepsFailingIsStoredAsFailedAfterMaxAttemptsAndTheJobGoesOn()
    {
        var runner = new ScriptedRunner(item => item.ItemIndex == 4 ? JobItemOutcome.TransientFailure("the model run crashed") : null);
        await using var harness = await CreateHarnessAsync(runner);
        var job = await harness.CreateJobAsync(10);

        await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((BatchJobStates.Completed, 10, 1), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var poison = (await harness.ResultsAsync(job.Id)).Single(result => !result.Succeeded);
        Assert.Equal((4, MaxAttempts), (poison.ItemIndex, poison.Attempts));
        Assert.Contains("3 attempts", poison.Error);
        Assert.Contains("the model run crashed", poison.Error);
        Assert.Equal(MaxAttempts, runner.Runs[4]);
        Assert.All(Enumerable.Range(0, 10).Where(i => i != 4), i => Assert.Equal(1, runner.Runs[i]));
    }

    [Fact]
    public async Task DeadConsumersItemsAreTakenOverWithoutLossOrDuplicates()
    {
        var runner = new ScriptedRunner();
        await using var harness = await CreateHarnessAsync(runner);
        var job = await harness.CreateJobAsync(100);
        // A consumer that read 30 items and died before acknowledging any; one of them had already killed its consumer
        // on every earlier delivery (its count is at the limit), so it must not run again.
        var taken = await harness.Redis.StreamReadGroupAsync(harness.Options.StreamKey, harness.Options.ConsumerGroup, "dead-consumer", ">", 30);
        await harness.Redis.ExecuteAsync("XCLAIM", harness.Options.StreamKey, harness.Options.ConsumerGroup, "dead-consumer", 0, taken[0].Id,
            "RETRYCOUNT", MaxAttempts);

        var live = await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal(30, taken.Length);
        Assert.Equal((BatchJobStates.Completed, 100, 1), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var results = await harness.ResultsAsync(job.Id);
        Assert.Equal(Enumerable.Range(0, 100), results.Select(result => result.ItemIndex));
        Assert.All(results, result => Assert.Equal(live.Name, result.ProcessedBy));
        Assert.Contains("Gave up after 3 attempts", results[0].Error);
        Assert.False(runner.Runs.ContainsKey(0));
        Assert.All(results.Skip(1).Take(29), result => Assert.Equal(2, result.Attempts));
        Assert.All(results.Skip(30), result => Assert.Equal(1, result.Attempts));
        Assert.All(Enumerable.Range(1, 99), i => Assert.Equal(1, runner.Runs[i]));
        var pending = await harness.Redis.StreamPendingAsync(harness.Options.StreamKey, harness.Options.ConsumerGroup);
        Assert.Equal(0, pending.PendingMessageCount);
        Assert.Equal(0, await harness.Redis.StreamLengthAsync(harness.Options.StreamKey));
    }

    [Fact]
    public async Task WhileOnlineTrafficLastsTheConsumerRunsOneSmallBurstAtATimeAndRests()
    {
        var runner = new ScriptedRunner(delay: TimeSpan.FromMilliseconds(10), onlineTraffic: true);
        await using var harness = await CreateHarnessAsync(runner, options =>
        {
            options.BurstWhileOnline = 4;
            options.RestWhileOnline = 3;
        });
        var job = await harness.CreateJobAsync(64);

        var started = DateTime.UtcNow;
        await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal((BatchJobStates.Completed, 64), (finished.State, finished.ProcessedItems));
        Assert.All(runner.Calls, call => Assert.Equal((4, 1), call));
        // 16 bursts of at least 10 ms, each followed by a rest three times as long.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(16 * 40), $"finished in {elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task TwoConsumersShareTheWorkAndEachItemRunsOnce()
    {
        var runner = new ScriptedRunner(delay: TimeSpan.FromMilliseconds(20));
        await using var harness = await CreateHarnessAsync(runner);
        var job = await harness.CreateJobAsync(400);

        var first = await harness.StartConsumerAsync();
        var second = await harness.StartConsumerAsync();
        var finished = await harness.WaitUntilFinishedAsync(job.Id);

        Assert.Equal((BatchJobStates.Completed, 400, 0), (finished.State, finished.ProcessedItems, finished.FailedItems));
        var results = await harness.ResultsAsync(job.Id);
        Assert.Equal(Enumerable.Range(0, 400), results.Select(result => result.ItemIndex));
        var shares = results.GroupBy(result => result.ProcessedBy).ToDictionary(group => group.Key!, group => group.Count());
        Assert.Equal(new[] { first.Name, second.Name }.Order(), shares.Keys.Order());
        Assert.All(shares.Values, share => Assert.InRange(share, 50, 350));
        Assert.All(runner.Runs.Values, runs => Assert.Equal(1, runs));
    }
}
