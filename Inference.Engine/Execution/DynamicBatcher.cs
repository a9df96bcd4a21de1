using System.Diagnostics;
using System.Threading.Channels;
using Inference.Engine.Errors;

namespace Inference.Engine.Execution;

/// <summary>
/// Coalesces concurrent requests for one model version into batched runs on a dedicated thread. An idle
/// runner dispatches a request at once; requests that arrive while a batch runs are taken together next,
/// waiting at most the plan's queue delay for the batch to fill. The queue is bounded: past its size a
/// request is refused as <see cref="InferenceErrorKind.Overloaded"/>, and so is an online request whose estimated wait
/// (<see cref="QueueTimeEstimator"/>) is over the plan's queue-time budget: at once, before any work is done for it. A
/// cancelled request leaves the queue (and stops counting towards its depth) and never runs.
/// <see cref="InferencePriority.Background"/> requests wait in a backlog of their own (bounded separately, exempt from
/// the budget) and only fill the slots online requests leave free in a batch.
/// </summary>
public sealed partial class DynamicBatcher<TInput, TOutput> : IDisposable
{
    private readonly Channel<PendingRequest> _queue = Channel.CreateUnbounded<PendingRequest>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly Func<IReadOnlyList<TInput>, TOutput[]> _runBatch;
    private readonly BatchingPlan _plan;
    private readonly IBatchObserver? _observer;
    private readonly Thread _runner;
    private readonly QueueTimeEstimator _estimator;
    // Background requests the runner has read but not yet run; only the runner thread touches it.
    private readonly Queue<PendingRequest> _backgroundBacklog = new();
    private int _depth;
    private int _backgroundDepth;
    private bool _backlogAfterLastRun;

    private readonly string _model;
    private readonly int _version;

    public DynamicBatcher(string model, int version, BatchingPlan plan, Func<IReadOnlyList<TInput>, TOutput[]> runBatch, IBatchObserver? observer = null)
    {
        _estimator = new QueueTimeEstimator(TimeProvider.System);
        _model = model;
        _version = version;
        _plan = plan;
        _runBatch = runBatch;
        _observer = observer;
        // ONNX Runtime blocks the calling thread for the whole run; a thread of its own keeps the pool free.
        _runner = new Thread(RunLoop) { IsBackground = true, Name = $"batcher {model}/{version}" };
        _runner.Start();
    }

    /// <summary>Online requests waiting to run.</summary>
    public int QueueDepth => Volatile.Read(ref _depth);

    /// <summary>Background requests waiting to run.</summary>
    public int BackgroundQueueDepth => Volatile.Read(ref _backgroundDepth);

    public Task<TOutput> EnqueueAsync(TInput input, CancellationToken cancellationToken) =>
        EnqueueAsync(input, InferencePriority.Online, cancellationToken);

    public Task<TOutput> EnqueueAsync(TInput input, InferencePriority priority, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var background = priority == InferencePriority.Background;
        CheckBudget(priority);
        ref var depth = ref background ? ref _backgroundDepth : ref _depth;
        if (Interlocked.Increment(ref depth) > _plan.MaxQueueSize)
        {
            Interlocked.Decrement(ref depth);
            _observer?.RequestRefused(_model, _version, AdmissionRefusal.QueueFull);
            throw new InferenceException(InferenceErrorKind.Overloaded,
                $"The {(background ? "background " : "")}queue for this model is full ({_plan.MaxQueueSize} requests waiting); retry shortly.");
        }

        var caller = Activity.Current;
        var request = new PendingRequest(input, caller, background) { QueueSpan = InferenceTelemetry.ActivitySource.StartActivity("queue") };
        // The queue span ends on the runner thread; the caller's own span stays current here.
        Activity.Current = caller;
        if (!_queue.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref depth);
            throw new InferenceException(InferenceErrorKind.ModelUnavailable, "The model is being unloaded.");
        }
        if (cancellationToken.CanBeCanceled)
        {
            request.Cancellation = cancellationToken.Register(static state =>
            {
                var (batcher, pending, token) = ((DynamicBatcher<TInput, TOutput>, PendingRequest, CancellationToken))state!;
                if (pending.Completion.TrySetCanceled(token) && pending.TryLeaveQueue())
                {
                    // Its caller is gone: it stops counting towards the depth that admission reads, and the runner skips it.
                    Interlocked.Decrement(ref pending.Background ? ref batcher._backgroundDepth : ref batcher._depth);
                    batcher._observer?.RequestAbandoned(batcher._model, batcher._version);
                }
            }, (this, request, cancellationToken));
        }
        return request.Completion.Task;
    }

    private void RunLoop()
    {
        var batch = new List<PendingRequest>(_plan.MaxBatchSize);
        var reader = _queue.Reader;
        // Waits only when no background work is left over; the loop ends once the queue is completed and both are drained.
        while (_backgroundBacklog.Count > 0 || reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var underLoad = _backlogAfterLastRun || QueueDepth > 1;
            while (batch.Count < _plan.MaxBatchSize && reader.TryRead(out var next))
            {
                Take(next, batch);
            }

            if (underLoad && batch.Count > 0 && batch.Count < _plan.MaxBatchSize && _plan.MaxQueueDelay > TimeSpan.Zero)
            {
                FillUntilDeadline(reader, batch);
            }

            // Background work only takes the slots online requests left free.
            while (batch.Count < _plan.MaxBatchSize && _backgroundBacklog.TryDequeue(out var background))
            {
                TakeBackground(background, batch);
            }

            if (batch.Count > 0)
            {
                Run(batch);
                batch.Clear();
            }
            _backlogAfterLastRun = QueueDepth > 0;
        }

        // The queue only ends once drained; this guards against a request slipping in as it closed.
        while (reader.TryRead(out var leftover))
        {
            LeaveQueue(leftover);
            leftover.Completion.TrySetException(new InferenceException(InferenceErrorKind.ModelUnavailable, "The model was unloaded."));
        }
    }

    private void FillUntilDeadline(ChannelReader<PendingRequest> reader, List<PendingRequest> batch)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_plan.MaxQueueDelay.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < _plan.MaxBatchSize)
        {
            if (reader.TryRead(out var next))
            {
                Take(next, batch);
                continue;
            }
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }
            using var timeout = new CancellationTokenSource(remaining);
            try
            {
                if (!reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult())
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Take(PendingRequest request, List<PendingRequest> batch)
    {
        if (request.Background)
        {
            // Set aside: it runs once no online request wants the slot.
            _backgroundBacklog.Enqueue(request);
            return;
        }
        LeaveQueue(request);
        Admit(request, batch);
    }

    private void TakeBackground(PendingRequest request, List<PendingRequest> batch)
    {
        LeaveQueue(request);
        Admit(request, batch);
    }

    // Whoever takes a request off the queue first (the runner, or its cancellation) lowers the depth, once.
    private void LeaveQueue(PendingRequest request)
    {
        if (request.TryLeaveQueue())
        {
            Interlocked.Decrement(ref request.Background ? ref _backgroundDepth : ref _depth);
        }
    }

    private static void Admit(PendingRequest request, List<PendingRequest> batch)
    {
        request.QueueSpan?.Dispose();
        if (request.Completion.Task.IsCompleted)
        {
            // Cancelled while waiting: it costs nothing more.
            request.Cancellation.Dispose();
            return;
        }
        batch.Add(request);
    }

    private void Run(List<PendingRequest> batch)
    {
        var started = Stopwatch.GetTimestamp();
        Span<double> waits = batch.Count <= 256 ? stackalloc double[batch.Count] : new double[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            waits[i] = Stopwatch.GetElapsedTime(batch[i].EnqueuedAt, started).TotalMilliseconds;
        }
        _observer?.BatchStarted(_model, _version, batch.Count, waits);
        _estimator.RunStarted(batch.Count);

        var inputs = new TInput[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            inputs[i] = batch[i].Input;
        }

        // One span per run, in the first request's trace and linked to every request it served.
        using var activity = InferenceTelemetry.ActivitySource.StartActivity(
            "run", ActivityKind.Internal, batch[0].Caller?.Context ?? default,
            tags: [new("inference.model", _model), new("inference.version", _version), new("inference.batch.size", batch.Count)],
            links: batch.Where(r => r.Caller is not null).Select(r => new ActivityLink(r.Caller!.Context)));
        try
        {
            var rows = _runBatch(inputs);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Cancellation.Dispose();
                batch[i].Completion.TrySetResult(rows[i]);
            }
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            foreach (var request in batch)
            {
                request.Cancellation.Dispose();
                request.Completion.TrySetException(exception);
            }
        }
        finally
        {
            var runMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            _estimator.RunCompleted(batch.Count, runMs);
            _observer?.BatchCompleted(_model, _version, batch.Count, runMs);
        }
    }

    /// <summary>Stops accepting requests, runs what is already queued (nothing accepted is lost), and waits for the runner to exit.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _runner.Join();
    }

    private sealed class PendingRequest(TInput input, Activity? caller, bool background)
    {
        public TInput Input { get; } = input;

        public Activity? Caller { get; } = caller;

        public bool Background { get; } = background;

        public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<TOutput> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }

        public Activity? QueueSpan { get; init; }

        private int _leftQueue;

        /// <summary>True for the first caller only: the request leaves the queue's depth exactly once.</summary>
        public bool TryLeaveQueue() => Interlocked.Exchange(ref _leftQueue, 1) == 0;
    }
}
