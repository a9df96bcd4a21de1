using System.Security.Claims;
using Inference.Api.Auditing;
using Inference.Api.Data;
using Inference.Api.RateLimiting;
using Inference.Api.Routing;
using Inference.Api.Security;
using Inference.Api.Serving;
using Inference.Engine.Repository;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inference.Api.Apis;

/// <summary>A split as the admin routes take it: <c>{"weights": {"1": 90, "2": 10}, "shadowVersion": 3, "shadowShare": 0.1}</c>.</summary>
public sealed record TrafficSplitRequest(Dictionary<int, double>? Weights, int? ShadowVersion = null, double? ShadowShare = null);

/// <summary>What the traffic routes need, injected as one parameter.</summary>
public sealed record TrafficServices(ModelRepository Repository, TrafficSplitStore Store, TrafficRouter Router, AuditLog Audit, ClaimsPrincipal User);

/// <summary>Weighted splits (A/B, canary) and shadow traffic between a model's versions.</summary>
public static class TrafficApi
{
    public static IEndpointRouteBuilder MapTrafficApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/admin/models/{name}/traffic").WithTags("Traffic")
            .RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin);
        api.MapGet("/", GetSplit).WithName("GetTrafficSplit").WithSummary("Get a model's traffic split")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/", PutSplit).WithName("PutTrafficSplit").WithSummary("Set a model's traffic split")
            .WithDescription("Weights ≥ 0 (adding up to more than 0) between loaded versions; optionally a shadow version that gets a copy of "
                + "shadowShare (0..1) of the requests, logged and never returned. Applies on every replica within seconds.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/", DeleteSplit).WithName("DeleteTrafficSplit").WithSummary("Remove a model's traffic split (the newest version serves)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static Results<Ok<TrafficSplit>, ProblemHttpResult> GetSplit(string name, TrafficRouter router) =>
        router.SplitFor(name) is { } split ? TypedResults.Ok(split) : NoSplit(name);

    public static async Task<Results<Ok<TrafficSplit>, ProblemHttpResult>> PutSplit(
        string name, TrafficSplitRequest? request, [AsParameters] TrafficServices services, CancellationToken cancellationToken)
    {
        var entry = services.Repository.Models.FirstOrDefault(model => string.Equals(model.Name, name, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            return TypedResults.Problem(detail: $"Model '{name}' does not exist.", statusCode: StatusCodes.Status404NotFound, title: "Model not found");
        }

        if (TrafficSplit.Validate(request?.Weights, request?.ShadowVersion, request?.ShadowShare, [.. entry.Versions.Keys]) is { } problem)
        {
            return TypedResults.Problem(detail: problem, statusCode: StatusCodes.Status400BadRequest, title: "Invalid traffic split");
        }

        // Postgres keeps microseconds: store what it will give back, so replicas compare equal.
        var now = DateTimeOffset.UtcNow;
        var split = new TrafficSplit(entry.Name, request!.Weights!, request.ShadowVersion,
            request.ShadowVersion is null ? 0 : request.ShadowShare ?? 0, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)));
        var before = services.Router.SplitFor(entry.Name);
        await services.Store.SaveAsync(split, cancellationToken);
        services.Router.Apply(entry.Name, split);
        await services.Audit.WriteAsync(ApiCaller.From(services.User), AuditActions.TrafficSet, ModelAdministration.ModelTarget(entry.Name),
            before, split, AuditChannels.Rest);
        return TypedResults.Ok(split);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteSplit(
        string name, [AsParameters] TrafficServices services, CancellationToken cancellationToken)
    {
        var before = services.Router.SplitFor(name);
        var canonical = before?.Model ?? name;
        if (!await services.Store.DeleteAsync(canonical, cancellationToken))
        {
            return NoSplit(name);
        }

        services.Router.Apply(canonical, null);
        await services.Audit.WriteAsync(ApiCaller.From(services.User), AuditActions.TrafficDelete, ModelAdministration.ModelTarget(canonical),
            before, after: null, AuditChannels.Rest);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NoSplit(string name) =>
        TypedResults.Problem(detail: $"Model '{name}' has no traffic split; requests go to its newest version.",
            statusCode: StatusCodes.Status404NotFound, title: "No traffic split");
}
