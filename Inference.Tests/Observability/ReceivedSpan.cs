namespace Inference.Tests.Observability;

/// <summary>A span as the API exported it: ids in hex, attributes as strings.</summary>
public sealed record ReceivedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    SpanKind Kind,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> LinkedSpanIds)
{
    public override string ToString() => $"{Name} ({Kind}) trace {TraceId} span {SpanId} parent {ParentSpanId}";
}
