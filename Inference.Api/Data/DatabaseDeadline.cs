namespace Inference.Api.Data;

/// <summary>
/// Runs a Postgres call with a deadline, so a database that stops answering (frozen, partitioned) fails the request with
/// a 503 instead of hanging it. A deadline that passes is a <see cref="TimeoutException"/>; the caller hanging up stays
/// an <see cref="OperationCanceledException"/>.
/// </summary>
public static class DatabaseDeadline
{
    /// <summary>Long enough for any single statement these routes run; far shorter than a client's patience.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(5);

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            return await operation(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
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
}
