namespace Inference.Api.Data;

/// <summary>What an audit entry records; the <c>action</c> filter of <c>GET /api/admin/audit</c> takes these.</summary>
public static class AuditActions
{
    public const string KeyCreate = "key.create";
    public const string KeyRevoke = "key.revoke";
    public const string KeyRotate = "key.rotate";
    public const string ModelLoad = "model.load";
    public const string ModelUnload = "model.unload";
    public const string ModelVersionAdd = "model.version.add";
    public const string TrafficSet = "traffic.set";
    public const string TrafficDelete = "traffic.delete";
    public const string JobCancel = "job.cancel";

    public static readonly IReadOnlyList<string> All =
        [KeyCreate, KeyRevoke, KeyRotate, ModelLoad, ModelUnload, ModelVersionAdd, TrafficSet, TrafficDelete, JobCancel];
}

/// <summary>One administrative change: who made it, what, when, to which target, and the target before and after.</summary>
public sealed class AuditEntry
{
    public const int MaxTargetLength = 256;

    /// <summary>Increasing, so it orders entries and pages through them.</summary>
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The acting key's id, <c>bootstrap</c>, or <c>anonymous</c>.</summary>
    public required string ActorKeyId { get; set; }

    /// <summary>The acting key's name when it was used.</summary>
    public required string ActorName { get; set; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }

    /// <summary>What was changed, e.g. <c>key:&lt;id&gt;</c>, <c>model:sentiment</c>, <c>job:&lt;id&gt;</c>.</summary>
    public required string Target { get; set; }

    /// <summary>The target's state before, as JSON; null when it did not exist.</summary>
    public string? Before { get; set; }

    /// <summary>The target's state after, as JSON; null when it no longer exists.</summary>
    public string? After { get; set; }

    /// <summary>The transport the change came through, e.g. <c>rest</c>, <c>v2</c>, <c>grpc</c>.</summary>
    public string? Via { get; set; }
}
