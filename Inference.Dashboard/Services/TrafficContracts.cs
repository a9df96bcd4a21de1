using System.Text.Json;

namespace Inference.Dashboard.Services;

/// <summary>A model's traffic split: weights per version and an optional shadow version that gets a copy of a share of the requests.</summary>
public sealed record TrafficSplit(
    string Model, IReadOnlyDictionary<int, double> Weights, int? ShadowVersion, double ShadowShare, DateTimeOffset UpdatedAt);

/// <summary>The body of <c>PUT /api/admin/models/{name}/traffic</c>.</summary>
public sealed record TrafficSplitRequest(Dictionary<int, double> Weights, int? ShadowVersion, double? ShadowShare);

/// <summary>One administrative change: who (key id and name), what, when, and the target before and after (JSON).</summary>
public sealed record AuditEntry(
    long Id, DateTimeOffset At, string ActorKeyId, string ActorName, string Action, string Target, JsonElement? Before, JsonElement? After, string? Via);

/// <summary>A page of audit entries, newest first.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? Next);
