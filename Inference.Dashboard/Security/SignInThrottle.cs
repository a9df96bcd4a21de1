using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Inference.Dashboard.Security;

/// <summary>
/// Throttles guessing: each client address may fail <see cref="SignInThrottleOptions.FailuresPerWindow"/> sign-ins per
/// window, after which every attempt from it, right key or not, is refused (429) until the window ends. Only failures
/// spend permits, so people signing in from behind one address are not held up by each other's successes. The counts are
/// per console replica.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly TimeSpan _window;

    public SignInThrottle(IOptions<SignInThrottleOptions> options)
    {
        var settings = options.Value;
        _window = settings.Window;
        _failures = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.FailuresPerWindow, Window = settings.Window, QueueLimit = 0 }));
    }

    /// <summary>Whether <paramref name="client"/> has used up its failures; if so, when it may try again.</summary>
    public bool IsThrottled(IPAddress? client, out TimeSpan retryAfter)
    {
        // Asking for no permit tells whether any is left, without spending one.
        using var lease = _failures.AttemptAcquire(Partition(client), permitCount: 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _window;
        return !lease.IsAcquired;
    }

    public void RecordFailure(IPAddress? client)
    {
        using var lease = _failures.AttemptAcquire(Partition(client));
    }

    private static string Partition(IPAddress? client) => client?.ToString() ?? "unknown";

    public void Dispose() => _failures.Dispose();
}
