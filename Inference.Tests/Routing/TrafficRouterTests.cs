using Inference.Api.Routing;

namespace Inference.Tests.Routing;

public sealed class TrafficRouterTests
{
    private static readonly TrafficSplit NinetyTen = new("m", new Dictionary<int, double> { [1] = 90, [2] = 10 }, 3, 0.2, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.8999, 1)]
    [InlineData(0.9, 2)]
    [InlineData(0.9999, 2)]
    public void WeightsShareTheUnitIntervalInVersionOrder(double draw, int expected)
    {
        Assert.Equal(expected, TrafficRouter.Choose(NinetyTen, _ => true, (draw, 1)).Version);
    }

    [Fact]
    public void UnloadedVersionsAreLeftOutAndTheOthersServeEverything()
    {
        var decision = TrafficRouter.Choose(NinetyTen, version => version != 2, (0.95, 0));

        Assert.Equal(new TrafficDecision(1, 3), decision);
    }

    [Fact]
    public void WithNoLoadedVersionTheDefaultServesAndNothingIsMirrored()
    {
        Assert.Equal(new TrafficDecision(null, null), TrafficRouter.Choose(NinetyTen, _ => false, (0.5, 0)));
    }

    [Theory]
    [InlineData(0.19, 3)]
    [InlineData(0.2, null)]
    public void ShadowShareDecidesWhichRequestsAreMirrored(double draw, int? expected)
    {
        Assert.Equal(expected, TrafficRouter.Choose(NinetyTen, _ => true, (0.5, draw)).ShadowVersion);
    }

    [Fact]
    public void StickyDrawsAreStableAndSpreadAcrossIds()
    {
        var first = TrafficRouter.Draw("sentiment", "client-42");
        var again = TrafficRouter.Draw("SENTIMENT", "client-42");
        var draws = Enumerable.Range(0, 10_000).Select(index => TrafficRouter.Draw("sentiment", $"client-{index}").Version).ToArray();

        Assert.Equal(first, again);
        Assert.InRange(draws.Count(draw => draw < 0.1), 900, 1100);
        Assert.All(draws, draw => Assert.InRange(draw, 0, 0.9999999999));
    }

    [Theory]
    [InlineData(null, null, null, "at least one version")]
    [InlineData(new[] { 1, 2 }, null, null, "more than 0")]
    [InlineData(new[] { 1, 5 }, null, null, "5")]
    [InlineData(new[] { 1 }, 2, 1.5, "between 0 and 1")]
    [InlineData(new[] { 1 }, null, 0.5, "shadowVersion")]
    public void InvalidSplitsSayWhatIsWrong(int[]? versions, int? shadow, double? share, string expected)
    {
        Dictionary<int, double>? weights = versions?.ToDictionary(version => version, version => versions.Length == 2 && versions[1] == 2 ? 0.0 : 1.0);

        Assert.Contains(expected, TrafficSplit.Validate(weights, shadow, share, [1, 2]));
    }

    [Fact]
    public void ValidSplitPasses()
    {
        Assert.Null(TrafficSplit.Validate(new Dictionary<int, double> { [1] = 90, [2] = 10 }, 2, 0.1, [1, 2]));
    }
}
