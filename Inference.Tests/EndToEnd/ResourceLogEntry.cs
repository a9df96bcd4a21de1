namespace Inference.Tests.EndToEnd;

/// <summary>One Error or Critical entry a resource logged (or a line it wrote to stderr).</summary>
/// <param name="ResourceId">The resource instance (a replica has the resource's name with an id of its own).</param>
/// <param name="Level">The log level, or <c>stderr</c> for raw error output.</param>
public sealed record ResourceLogEntry(string ResourceId, string Level, string Category, string Message, string? Exception)
{
    public override string ToString() =>
        $"{ResourceId} {Level} {Category}: {Message}{(Exception is null ? "" : $"{Environment.NewLine}    {Exception.Split('\n')[0].Trim()}")}";
}
