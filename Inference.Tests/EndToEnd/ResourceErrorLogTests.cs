using Aspire.Hosting.ApplicationModel;

namespace Inference.Tests.EndToEnd;

/// <summary>Which console lines of a resource the fixtures count as errors (lines as Aspire hands them over, timestamp first).</summary>
public sealed class ResourceErrorLogTests
{
    private const string Timestamp = "2026-12-07T03:51:16.1800000Z ";

    [Fact]
    public void JsonErrorEntryIsReadWithItsCategoryMessageAndException()
    {
        var line = new LogLine(1, Timestamp + """{"EventId":0,"LogLevel":"Error","Category":"Inference.Api.Jobs.JobConsumer","Message":"Item 4 failed","Exception":"System.InvalidOperationException: boom\n   at X"}""", false);

        var entry = ResourceErrorLog.AsError("inference-api-abc", line);

        Assert.Equal(new ResourceLogEntry("inference-api-abc", "Error", "Inference.Api.Jobs.JobConsumer", "Item 4 failed",
            "System.InvalidOperationException: boom\n   at X"), entry);
    }

    [Theory]
    [InlineData("Information")]
    [InlineData("Warning")]
    public void JsonEntriesBelowErrorAreNotErrors(string level)
    {
        var line = new LogLine(1, Timestamp + $$"""{"EventId":0,"LogLevel":"{{level}}","Category":"C","Message":"M"}""", false);

        Assert.Null(ResourceErrorLog.AsError("inference-api-abc", line));
    }

    [Fact]
    public void ColouredSimpleFormatterFailLineStillCountsAsAnError()
    {
        var line = new LogLine(1, Timestamp + "\u001b[41m\u001b[30mfail\u001b[39m\u001b[22m\u001b[49m: StackExchange.Redis.ConnectionMultiplexer[89]", false);

        var entry = ResourceErrorLog.AsError("inference-api-abc", line);

        Assert.Equal(("Error", "StackExchange.Redis.ConnectionMultiplexer"), (entry?.Level, entry?.Category));
    }

    [Fact]
    public void StandardErrorIsAnErrorAndPlainOutputIsNot()
    {
        Assert.Equal("stderr", ResourceErrorLog.AsError("inference-api-abc", new LogLine(1, Timestamp + "Unhandled exception.", true))?.Level);
        Assert.Null(ResourceErrorLog.AsError("inference-api-abc", new LogLine(2, Timestamp + "Now listening on: http://localhost:1", false)));
    }

    [Fact]
    public void AnExpectedErrorMatchesItsCategoryAndMessageFragmentOnly()
    {
        var expected = new ExpectedErrorLog("StackExchange.Redis.ConnectionMultiplexer", "SocketClosed", "the test stops Redis");

        Assert.True(expected.Matches(new ResourceLogEntry("r", "Error", "StackExchange.Redis.ConnectionMultiplexer", "SocketClosed (ReadEndOfStream)", null)));
        Assert.False(expected.Matches(new ResourceLogEntry("r", "Error", "Inference.Api.Caching", "SocketClosed (ReadEndOfStream)", null)));
        Assert.False(expected.Matches(new ResourceLogEntry("r", "Error", "StackExchange.Redis.ConnectionMultiplexer", "UnableToConnect", null)));
    }
}
