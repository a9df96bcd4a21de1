using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// Collects the Error and Critical entries that the AppHost's .NET projects log while a fixture runs, read through
/// Aspire's <see cref="ResourceLoggerService"/>. The projects write JSON console logs (<see cref="JsonConsoleVariable"/>),
/// so each line carries its level and category; raw stderr lines (a crash, a native library) count as errors too.
/// </summary>
internal sealed partial class ResourceErrorLog
{
    /// <summary>
    /// The environment variable, and its value, that switch a .NET project's console logs to one JSON object a line.
    /// Spelled as Aspire spells it when it asks for the simple formatter: on Linux a differently cased twin would be a
    /// second variable, and which of the two .NET reads last would vary from process to process.
    /// </summary>
    public static readonly (string Name, string Value) JsonConsoleVariable = ("LOGGING__CONSOLE__FORMATTERNAME", "json");

    private static readonly HashSet<string> ErrorLevels = ["Error", "Critical"];

    /// <summary>The first line of a simple-formatter Error or Critical entry (after any timestamp, colours removed), should JSON be overridden.</summary>
    [GeneratedRegex(@"^(?:\S+ )?(?<level>fail|crit): (?<category>[^\[\s]+)\[")]
    private static partial Regex SimpleFormatterError();

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex ConsoleColour();

    private readonly ConcurrentQueue<ResourceLogEntry> _errors = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    private ResourceErrorLog(DistributedApplication app, IReadOnlySet<string> resourceNames) =>
        _watching = WatchResourcesAsync(app, resourceNames, _stop.Token);

    /// <summary>Starts collecting from every instance (replicas included) of <paramref name="resourceNames"/>; call before the app starts.</summary>
    public static ResourceErrorLog Start(DistributedApplication app, IEnumerable<string> resourceNames) =>
        new(app, resourceNames.ToHashSet());

    /// <summary>Waits <paramref name="settle"/> for lines still on their way, stops collecting and returns what was logged.</summary>
    public async Task<IReadOnlyList<ResourceLogEntry>> StopAsync(TimeSpan settle)
    {
        await Task.Delay(settle);
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
        return [.. _errors];
    }

    private async Task WatchResourcesAsync(DistributedApplication app, IReadOnlySet<string> resourceNames, CancellationToken cancellationToken)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var watchedIds = new HashSet<string>();
        var lineWatches = new List<Task>();
        try
        {
            await foreach (var update in app.ResourceNotifications.WatchAsync(cancellationToken))
            {
                if (resourceNames.Contains(update.Resource.Name) && watchedIds.Add(update.ResourceId))
                {
                    lineWatches.Add(WatchLinesAsync(logs, update.ResourceId, cancellationToken));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The fixture stopped collecting.
        }
        await Task.WhenAll(lineWatches);
    }

    private async Task WatchLinesAsync(ResourceLoggerService logs, string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    if (AsError(resourceId, line) is { } entry)
                    {
                        _errors.Enqueue(entry);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The fixture stopped collecting.
        }
    }

    /// <summary>The line as an error entry, or null when it is an entry below Error or other standard output.</summary>
    internal static ResourceLogEntry? AsError(string resourceId, LogLine line)
    {
        var jsonStart = line.Content.IndexOf('{', StringComparison.Ordinal);
        if (jsonStart >= 0 && TryParseEntry(line.Content[jsonStart..]) is { } entry)
        {
            return ErrorLevels.Contains(entry.Level) ? entry with { ResourceId = resourceId } : null;
        }
        if (SimpleFormatterError().Match(ConsoleColour().Replace(line.Content, "")) is { Success: true } simple)
        {
            return new ResourceLogEntry(resourceId, simple.Groups["level"].Value == "crit" ? "Critical" : "Error", simple.Groups["category"].Value,
                "(the message follows on the next console line: this process did not log JSON)", null);
        }
        return line.IsErrorMessage ? new ResourceLogEntry(resourceId, "stderr", "stderr", line.Content, null) : null;
    }

    private static ResourceLogEntry? TryParseEntry(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("LogLevel", out var level))
            {
                return null;
            }
            return new ResourceLogEntry("", level.GetString() ?? "",
                root.TryGetProperty("Category", out var category) ? category.GetString() ?? "" : "",
                root.TryGetProperty("Message", out var message) ? message.GetString() ?? "" : "",
                root.TryGetProperty("Exception", out var exception) ? exception.GetString() : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
