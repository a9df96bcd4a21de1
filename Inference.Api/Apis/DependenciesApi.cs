using Inference.Api.RateLimiting;
using Inference.Api.Resilience;
using Inference.Api.Security;

namespace Inference.Api.Apis;

/// <summary>One dependency as operators see it: <c>up</c> or <c>down</c>, the last error while down, and since when.</summary>
public sealed record DependencyView(string Name, string State, string? LastError, DateTimeOffset Since);

/// <summary>Each dependency's state for operators (admin scope), read from the background probe's last verdict.</summary>
public static class DependenciesApi
{
    public static IEndpointRouteBuilder MapDependenciesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/admin/dependencies", GetDependencies).WithTags("Health").RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin)
            .WithName("GetDependencies")
            .WithSummary("Redis and Postgres: state, last error and since when")
            .WithDescription("What the background probe and the circuits in front of each dependency last saw. A dependency that is down " +
                             "degrades readiness (HTTP 200, status Degraded) without taking the replica out of service.");
        return app;
    }

    public static IReadOnlyList<DependencyView> GetDependencies(DependencyCircuits circuits) =>
        [.. circuits.All.Select(circuit => circuit.Status).Select(status =>
            new DependencyView(status.Name, status.State == DependencyState.Up ? "up" : "down", status.LastError, status.Since))];
}
