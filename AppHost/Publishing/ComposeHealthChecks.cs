#pragma warning disable ASPIREPROBES001 // Probes are how the app model states a service's readiness path.

using System.Globalization;

namespace AppHost.Publishing;

/// <summary>
/// Container health checks: Postgres and Redis by their own client tools, .NET services by the readiness
/// probe the app model declares (<c>WithHttpProbe(ProbeType.Readiness, "/health")</c>).
/// </summary>
public static class ComposeHealthChecks
{
    public static ComposeHealthCheck? For(IResource resource, ComposeEndpoints endpoints, TimeSpan startPeriod) => resource switch
    {
        // Through TCP: during initialisation the server listens on its socket only, so this passes once it is really up.
        PostgresServerResource => Infrastructure("pg_isready -h 127.0.0.1 -U \"$${POSTGRES_USER}\""),
        // The password reaches redis-cli through its environment, not its command line (which ps shows).
        RedisResource => Infrastructure("REDISCLI_AUTH=\"$$(cat \"$${REDIS_PASSWORD_FILE}\")\" redis-cli ping | grep -q PONG"),
        _ => ReadinessProbe(resource, endpoints, startPeriod),
    };

    private static ComposeHealthCheck Infrastructure(string shellCommand) => new()
    {
        Test = ["CMD-SHELL", shellCommand],
        Interval = "5s",
        Timeout = "5s",
        Retries = 10,
    };

    private static ComposeHealthCheck? ReadinessProbe(IResource resource, ComposeEndpoints endpoints, TimeSpan startPeriod)
    {
        var probe = resource.Annotations.OfType<EndpointProbeAnnotation>().LastOrDefault(p => p.Type == ProbeType.Readiness);
        if (probe is null)
        {
            return null;
        }

        var port = endpoints.Resolve(probe.EndpointReference, EndpointProperty.TargetPort)
            ?? throw new InvalidOperationException($"The readiness probe of '{resource.Name}' uses an endpoint Compose does not publish.");
        // ASP.NET Core images have neither curl nor wget; bash can speak HTTP through /dev/tcp.
        var request = $"exec 3<>/dev/tcp/127.0.0.1/{port} && printf 'GET {probe.Path} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '";
        return new ComposeHealthCheck
        {
            Test = ["CMD", "bash", "-c", request],
            Interval = "10s",
            Timeout = "5s",
            Retries = 3,
            StartPeriod = Duration(startPeriod),
        };
    }

    private static string Duration(TimeSpan duration) =>
        $"{((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s";
}
