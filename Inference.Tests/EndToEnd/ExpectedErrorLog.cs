namespace Inference.Tests.EndToEnd;

/// <summary>
/// An Error entry a fixture's tests provoke on purpose (say, while they stop Postgres), so it does not fail the run:
/// matched by the logger's category and a fragment of the message, as narrowly as the tests allow.
/// </summary>
/// <param name="Category">The logger category, exactly.</param>
/// <param name="MessageFragment">Text the message (or, failing that, the exception) contains.</param>
/// <param name="Reason">Why the tests cause it, for whoever reads the fixture.</param>
public sealed record ExpectedErrorLog(string Category, string MessageFragment, string Reason)
{
    public bool Matches(ResourceLogEntry entry) =>
        entry.Category == Category
        && (entry.Message.Contains(MessageFragment, StringComparison.Ordinal)
            || entry.Exception?.Contains(MessageFragment, StringComparison.Ordinal) == true);
}
