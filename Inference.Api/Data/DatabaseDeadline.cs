namespace Inference.Api.Data;

/// <summary>
/// Runs a Postgres call with a deadline, so a database that stops answering (frozen, partitioned) fails the request with
/// a 503 instead of hanging it. A deadline that passes is a <see cref="TimeoutException"/>; the caller hanging up stays
/// an <see cref="OperationCanceledException"/>.
/// </summary>
public static class DatabaseDeadline
{
    /// <summary>
    /// Long enough for any single statement these routes run; far shorter than a client's patience. Set once at start
    /// from <c>Inference:Dependencies:DatabaseDeadline</c>.
    /// </summary>
    public static TimeSpan Default { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The deadline of background work no request waits for (job consumers, log writers): long enough that a loaded
    /// machine never trips it, short enough that a frozen server is noticed. From
    /// <c>Inference:Dependencies:BackgroundDatabaseDeadline</c>.
    /// </summary>
    public static TimeSpan Background { get; set; } = TimeSpan.FromSeconds(30);

    public static Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        RunAsync(operation, abandonAtDeadline: false, cancellationToken, timeout);

    /// <param name="abandonAtDeadline">
    /// Return at the deadline even while the driver still waits to cancel on a frozen server; only for operations that own
    /// their context (a context shared with the caller must not be used or disposed while the abandoned call runs).
    /// </param>
    private static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> operation, bool abandonAtDeadline, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            var running = operation(deadline.Token);
            return await (abandonAtDeadline ? running.WaitAsync(limit, cancellationToken) : running);
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The database did not answer within {limit.TotalSeconds:0.#} s.");
        }
    }

    public static Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        RunAsync(async token =>
        {
            await operation(token);
            return true;
        }, cancellationToken, timeout);

    /// <summary>
    /// Runs <paramref name="operation"/> on a context of its own, created inside the deadline: a context stuck on a frozen
    /// server is then disposed in the background once the driver gives up, never on the request that left at the deadline.
    /// </summary>
    public static Task<T> RunInScopeAsync<T>(
        this IServiceScopeFactory scopes, Func<InferenceDbContext, CancellationToken, Task<T>> operation, CancellationToken cancellationToken,
        TimeSpan? timeout = null) =>
        RunAsync(async token =>
        {
            await using var scope = scopes.CreateAsyncScope();
            return await operation(scope.ServiceProvider.GetRequiredService<InferenceDbContext>(), token);
        }, abandonAtDeadline: true, cancellationToken, timeout);
}
