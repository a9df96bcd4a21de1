using System.Collections.Concurrent;
using Inference.Api.Data;
using Inference.Api.Jobs;
using Inference.Engine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Tests.EndToEnd;

/// <summary>Answers every item at once, except those its script fails; records how often each item ran (counted as it starts).</summary>
public sealed class ScriptedRunner(Func<JobDelivery, JobItemOutcome?>? script = null, TimeSpan? delay = null, bool onlineTraffic = false)
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
        foreach (var item in items)
        {
            Runs.AddOrUpdate(item.ItemIndex, 1, (_, runs) => runs + 1);
        }
        await Task.Delay(delay ?? TimeSpan.Zero, cancellationToken);
        Interlocked.Decrement(ref _running);
        return [.. items.Select(item => script?.Invoke(item) ?? JobItemOutcome.Success(
            new ClassificationResult(job.Model, job.ModelVersion, "positive", 0.9f, [new("positive", 0.9f), new("negative", 0.1f)], 1)))];
    }
}

/// <summary>
/// Job consumers, the job store and a stream of their own, over the AppHost's real Redis and Postgres, in this
/// process, so failures and dead or stalled consumers can be staged exactly.
/// </summary>
public sealed class JobConsumerHarness(ServiceProvider services, IConnectionMultiplexer redis, BatchJobOptions options) : IAsyncDisposable
{
    public const int MaxAttempts = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly List<JobConsumer> _started = [];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public BatchJobStore Store => services.GetRequiredService<BatchJobStore>();

    public JobStream Stream => services.GetRequiredService<JobStream>();

    public IDatabase Redis => redis.GetDatabase();

    public BatchJobOptions Options => options;

    /// <summary>A harness on a new stream; <paramref name="configure"/> changes the test defaults (short reclaim time, small reads).</summary>
    public static async Task<JobConsumerHarness> CreateAsync(AppHostFixture fixture, IJobItemRunner runner, Action<BatchJobOptions>? configure = null)
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
        // The store runs in this process, where nothing waits on a request: its calls get the background deadline, so a
        // loaded machine does not fail them (the request deadline is the fault suite's to check, in the API process).
        DatabaseDeadline.Default = DatabaseDeadline.Background;
        var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.GetConnectionStringAsync("redis"));
        var database = await fixture.GetConnectionStringAsync("inferencedb");
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddDbContext<InferenceDbContext>(context => context.UseNpgsql(database))
            .AddSingleton<IConnectionMultiplexer>(redis)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(options))
            .AddSingleton<JobStream>()
            .AddSingleton<BatchJobStore>()
            .AddSingleton<JobTelemetry>()
            .AddSingleton<JobItemProcessor>()
            .AddSingleton<JobQueueRestorer>()
            .AddSingleton(runner)
            .BuildServiceProvider();
        return new JobConsumerHarness(services, redis, options);
    }

    public async Task<JobConsumer> StartConsumerAsync()
    {
        var consumer = ActivatorUtilities.CreateInstance<JobConsumer>(services);
        await consumer.StartAsync(Cancellation);
        _started.Add(consumer);
        return consumer;
    }

    /// <summary>A queued text job of <paramref name="items"/> items, all added to the stream.</summary>
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

    /// <summary>
    /// A text job accepted as the API accepts one: its items stored with it in Postgres, its queue named, marked queued
    /// in full; its items are added to the stream only when <paramref name="addToStream"/>.
    /// </summary>
    public async Task<BatchJob> CreateStoredJobAsync(int items, bool addToStream = true)
    {
        var job = new BatchJob
        {
            Id = Guid.CreateVersion7(), Model = "scripted", ModelVersion = 1, ItemKind = JobItemKinds.Text, Queue = options.StreamKey,
            State = BatchJobStates.Queued, TotalItems = items, CreatedAt = DateTimeOffset.UtcNow,
        };
        JobItem[] jobItems = [.. Enumerable.Range(0, items).Select(i => new JobItem(i, $"item {i}", null))];
        await Store.CreateAsync(job, jobItems, Cancellation);
        if (addToStream)
        {
            await Stream.EnsureGroupAsync();
            await Stream.AddAsync(job.Id, jobItems, Cancellation);
        }
        await Store.MarkEnqueuedAsync(job.Id, Cancellation);
        return job;
    }

    public Task<BatchJob> WaitUntilFinishedAsync(Guid id) =>
        Eventually.PollAsync(async token => (await Store.FindAsync(id, token))!, job => BatchJobStates.IsFinished(job.State), Timeout,
            job => $"job {id} is still {job.State} ({job.ProcessedItems} of {job.TotalItems} items done)", Cancellation,
            TimeSpan.FromMilliseconds(100));

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
        await Redis.KeyDeleteAsync([options.StreamKey, options.StreamKey + ":restore-pending"]);
        await services.DisposeAsync();
        await redis.DisposeAsync();
    }
}
