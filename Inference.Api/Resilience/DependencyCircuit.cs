using Polly;
using Polly.CircuitBreaker;

namespace Inference.Api.Resilience;

/// <summary>Whether calls to a dependency go through.</summary>
public enum DependencyState
{
    Up,
    Down,
}

/// <summary>One dependency's state as operators see it.</summary>
public sealed record DependencyStatus(string Name, DependencyState State, string? LastError, DateTimeOffset Since);

/// <summary>
/// A Polly circuit breaker in front of one dependency (Redis or Postgres). Calls run with a deadline; repeated failures
/// open the circuit, and the background probe (<see cref="DependencyProbe"/>) isolates it as soon as the dependency stops
/// answering and closes it as soon as it answers again. While the circuit is open a call fails at once
/// (<see cref="BrokenCircuitException"/>), so callers fall back without paying a timeout per request.
/// </summary>
public sealed partial class DependencyCircuit
{
    private readonly CircuitBreakerManualControl _control = new();
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private DependencyStatus _status;

    public DependencyCircuit(string name, TimeProvider time, ILogger logger)
    {
        Name = name;
        _time = time;
        _logger = logger;
        _status = new DependencyStatus(name, DependencyState.Up, null, time.GetUtcNow());
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(2),
                // The probe closes the circuit as soon as the dependency answers; this only bounds a probe that is wrong.
                BreakDuration = TimeSpan.FromSeconds(5),
                ManualControl = _control,
                StateProvider = _state,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception is not OperationCanceledException),
                OnOpened = arguments =>
                {
                    MarkDown(arguments.Outcome.Exception?.Message ?? "calls failed");
                    return default;
                },
            })
            .Build();
    }

    public string Name { get; }

    /// <summary>False while the circuit is open or isolated: callers should take their fallback without trying.</summary>
    public bool IsAvailable => _state.CircuitState is CircuitState.Closed or CircuitState.HalfOpen;

    public DependencyStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> through the circuit; past <paramref name="deadline"/> it fails with a
    /// <see cref="TimeoutException"/> (the call itself may go on in the background: Redis commands cannot be cancelled).
    /// </summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, TimeSpan deadline, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static async (state, token) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(state.deadline);
            try
            {
                return await state.call(timeout.Token).WaitAsync(state.deadline, token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                throw new TimeoutException($"{state.Name} did not answer within {state.deadline.TotalMilliseconds:0} ms.");
            }
        }, (call, deadline, Name), cancellationToken);

    /// <summary>The probe's verdict: a failure isolates the circuit at once; a success closes it.</summary>
    public async Task ReportProbeAsync(Exception? failure)
    {
        if (failure is null)
        {
            if (_state.CircuitState != CircuitState.Closed)
            {
                await _control.CloseAsync();
            }
            MarkUp();
            return;
        }
        if (_state.CircuitState != CircuitState.Isolated)
        {
            await _control.IsolateAsync();
        }
        MarkDown(failure.Message);
    }

    private void MarkDown(string error)
    {
        lock (_gate)
        {
            var changed = _status.State == DependencyState.Up;
            _status = new DependencyStatus(Name, DependencyState.Down, error, changed ? _time.GetUtcNow() : _status.Since);
            if (changed)
            {
                LogDown(Name, error);
            }
        }
    }

    private void MarkUp()
    {
        lock (_gate)
        {
            if (_status.State == DependencyState.Up)
            {
                return;
            }
            var downFor = _time.GetUtcNow() - _status.Since;
            _status = _status with { State = DependencyState.Up, Since = _time.GetUtcNow() };
            LogUp(Name, downFor.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 4311, Level = LogLevel.Warning,
        Message = "{Dependency} is unavailable ({Reason}); requests skip it (cache misses, local rate limits, last known keys) until it answers again")]
    private partial void LogDown(string dependency, string reason);

    [LoggerMessage(EventId = 4312, Level = LogLevel.Information, Message = "{Dependency} answers again after {Seconds:0.#} s")]
    private partial void LogUp(string dependency, double seconds);
}

/// <summary>The circuits of the API's two dependencies; embedded mode has neither, so it reports none.</summary>
public sealed class DependencyCircuits(TimeProvider time, ILoggerFactory loggers, bool embedded = false)
{
    public const string RedisName = "redis";
    public const string PostgresName = "postgres";

    public DependencyCircuit Redis { get; } = new(RedisName, time, loggers.CreateLogger("Inference.Api.Resilience.Redis"));

    public DependencyCircuit Postgres { get; } = new(PostgresName, time, loggers.CreateLogger("Inference.Api.Resilience.Postgres"));

    public IReadOnlyList<DependencyCircuit> All => embedded ? [] : [Redis, Postgres];
}
