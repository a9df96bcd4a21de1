namespace Inference.Tests;

/// <summary>
/// Bounded waits for tests: each ends at its deadline with a failure that says what did not happen, so a broken
/// product fails the run instead of hanging it.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Runs <paramref name="wait"/> with a token that is cancelled at the deadline; throws a <see cref="TimeoutException"/>
    /// naming <paramref name="what"/> if it has not finished by then.
    /// </summary>
    public static async Task<T> WithinAsync<T>(TimeSpan timeout, string what, Func<CancellationToken, Task<T>> wait,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await wait(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds:F0} s for {what}, in vain.");
        }
    }

    /// <inheritdoc cref="WithinAsync{T}"/>
    public static Task WithinAsync(TimeSpan timeout, string what, Func<CancellationToken, Task> wait, CancellationToken cancellationToken) =>
        WithinAsync(timeout, what, async token =>
        {
            await wait(token);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Calls <paramref name="probe"/> until its answer satisfies <paramref name="done"/> and returns that answer; at the
    /// deadline throws a <see cref="TimeoutException"/> with <paramref name="failure"/> of the last answer.
    /// </summary>
    public static async Task<T> PollAsync<T>(Func<CancellationToken, Task<T>> probe, Func<T, bool> done, TimeSpan timeout,
        Func<T, string> failure, CancellationToken cancellationToken, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answer = await probe(cancellationToken);
            if (done(answer))
            {
                return answer;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"After {timeout.TotalSeconds:F0} s: {failure(answer)}");
            }
            await Task.Delay(interval ?? DefaultInterval, cancellationToken);
        }
    }
}
