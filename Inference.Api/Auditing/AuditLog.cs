using System.Text.Json;
using Inference.Api.Data;
using Inference.Api.Security;
using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Auditing;

/// <summary>The transport an administrative change came through, as audit entries record it.</summary>
public static class AuditChannels
{
    /// <summary><c>/api/...</c>.</summary>
    public const string Rest = "rest";

    /// <summary>The Open Inference Protocol over REST, <c>/v2/...</c>.</summary>
    public const string Protocol = "v2";

    /// <summary>The Open Inference Protocol over gRPC.</summary>
    public const string Grpc = "grpc";
}

/// <summary>
/// The audit log in Postgres (<c>audit_log</c>): every administrative change with who made it, what, when, to which target,
/// and the target before and after. Written after the change succeeded, with a deadline and regardless of the caller
/// hanging up (the change has happened); an entry that cannot be stored goes to the service log in full instead.
/// </summary>
public sealed partial class AuditLog(IServiceScopeFactory scopes, TimeProvider time, ILogger<AuditLog> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task WriteAsync(ApiCaller actor, string action, string target, object? before, object? after, string via)
    {
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            ActorKeyId = actor.KeyId,
            ActorName = actor.Name,
            Action = action,
            Target = target.Length > AuditEntry.MaxTargetLength ? target[..AuditEntry.MaxTargetLength] : target,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
            Via = via,
        };
        try
        {
            await scopes.RunInScopeAsync((db, token) =>
            {
                db.AuditLog.Add(entry);
                return db.SaveChangesAsync(token);
            }, CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogNotStored(exception.Message, entry.Action, entry.Target, entry.ActorKeyId, entry.ActorName, entry.At, entry.Before, entry.After);
        }
    }

    /// <summary>Newest first; <paramref name="before"/> is the id of the last entry of the previous page (keyset paging).</summary>
    public async Task<List<AuditEntry>> ReadAsync(
        DateTimeOffset? since, string? action, string? target, long? before, int limit, CancellationToken cancellationToken)
    {
        return await scopes.RunInScopeAsync((db, token) =>
        {
            var entries = db.AuditLog.AsNoTracking();
            if (since is { } from)
            {
                entries = entries.Where(entry => entry.At >= from);
            }
            if (action is not null)
            {
                entries = entries.Where(entry => entry.Action == action);
            }
            if (target is not null)
            {
                entries = entries.Where(entry => entry.Target == target);
            }
            if (before is { } cursor)
            {
                entries = entries.Where(entry => entry.Id < cursor);
            }
            return entries.OrderByDescending(entry => entry.Id).Take(limit).ToListAsync(token);
        }, cancellationToken);
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Error, Message =
        "An audit entry could not be stored ({Reason}); it is: {Action} on {Target} by {ActorKeyId} ({ActorName}) at {At}, before {Before}, after {After}")]
    private partial void LogNotStored(string reason, string action, string target, string actorKeyId, string actorName,
        DateTimeOffset at, string? before, string? after);
}
