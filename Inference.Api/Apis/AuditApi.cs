using System.Globalization;
using System.Text.Json;
using Inference.Api.Auditing;
using Inference.Api.Data;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Inference.Api.Apis;

/// <summary>One audit entry as the API shows it; <c>before</c> and <c>after</c> are the target's state as JSON.</summary>
public sealed record AuditEntryView(
    long Id, DateTimeOffset At, string ActorKeyId, string ActorName, string Action, string Target, JsonElement? Before, JsonElement? After, string? Via)
{
    public static AuditEntryView From(AuditEntry entry) => new(entry.Id, entry.At, entry.ActorKeyId, entry.ActorName, entry.Action, entry.Target,
        Parse(entry.Before), Parse(entry.After), entry.Via);

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>A page of audit entries, newest first; <c>next</c> is the following page's URL while more may follow.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, string? Next);

/// <summary>The audit log of administrative changes (admin scope).</summary>
public static class AuditApi
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/admin/audit", GetAudit).WithTags("Audit").RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin)
            .WithName("GetAuditLog")
            .WithSummary("Administrative changes, newest first")
            .WithDescription($"Key create/rotate/revoke, model load/unload (REST, /v2 and gRPC), traffic changes and job cancels by admin keys: who " +
                             $"(key id and name), what, when, target, before and after. Filters: since (ISO 8601), action ({string.Join(", ", AuditActions.All)}), " +
                             $"target (e.g. model:sentiment, key:<id>, job:<id>); pages of 'limit' (default {DefaultPageSize}) through 'before' (an entry id).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> GetAudit(
        AuditLog audit, DateTimeOffset? since, string? action, string? target, long? before, int? limit, CancellationToken cancellationToken)
    {
        if (action is not null && !AuditActions.All.Contains(action))
        {
            return TypedResults.Problem(detail: $"action must be one of {string.Join(", ", AuditActions.All)}, not '{action}'.",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid input");
        }
        var size = Math.Clamp(limit ?? DefaultPageSize, 1, MaxPageSize);
        var entries = await audit.ReadAsync(since, action, target, before, size, cancellationToken);
        var next = entries.Count == size ? NextPage(since, action, target, entries[^1].Id, size) : null;
        return TypedResults.Ok(new AuditPage([.. entries.Select(AuditEntryView.From)], next));
    }

    private static string NextPage(DateTimeOffset? since, string? action, string? target, long before, int size)
    {
        var query = new Dictionary<string, string?>
        {
            ["since"] = since?.ToString("O"),
            ["action"] = action,
            ["target"] = target,
            ["before"] = before.ToString(CultureInfo.InvariantCulture),
            ["limit"] = size.ToString(CultureInfo.InvariantCulture),
        };
        return QueryHelpers.AddQueryString("/api/admin/audit", query.Where(pair => pair.Value is not null));
    }
}
