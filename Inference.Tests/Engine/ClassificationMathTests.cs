using Inference.Engine.Processing;

namespace Inference.Tests.Engine;

public sealed class ClassificationMathTests
{
    [Fact]
    public void SoftmaxGivesProbabilitiesThatSumToOneInLogitOrder()
    {
        float[] logits = [2f, 1f, 0.1f];
        var probabilities = new float[3];

        ClassificationMath.Softmax(logits, probabilities);

        Assert.Equal(1f, probabilities.Sum(), 5);
        Assert.Equal(0.659f, probabilities[0], 3);
        Assert.Equal(0.242f, probabilities[1], 3);
        Assert.Equal(0.099f, probabilities[2], 3);
    }

    [Fact]
    public void SoftmaxStaysFiniteForHugeLogits()
    {
        float[] logits = [1000f, 999f];
        var probabilities = new float[2];

        ClassificationMath.Softmax(logits, probabilities);

        Assert.All(probabilities, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(0.731f, probabilities[0], 3);
    }

    [Fact]
    public void TopKReturnsTheBestClassesBestFirst()
    {
        float[] scores = [0.1f, 0.5f, 0.05f, 0.3f, 0.05f];
        string[] labels = ["a", "b", "c", "d", "e"];

        var top = ClassificationMath.TopK(scores, labels, 3);

        Assert.Equal(["b", "d", "a"], top.Select(s => s.Label));
        Assert.Equal([0.5f, 0.3f, 0.1f], top.Select(s => s.Score));
    }

    [Fact]
    public void TopKKeepsTheLowerIndexFirstOnTiesAndClampsK()
    {
        float[] scores = [0.25f, 0.25f, 0.25f, 0.25f];

        var top = ClassificationMath.TopK(scores, ["w", "x", "y", "z"], 10);

        Assert.Equal(["w", "x", "y", "z"], top.Select(s => s.Label));
    }

    [Fact]
    public void TopKNamesClassesWithoutLabelsByIndex()
    {
        var top = ClassificationMath.TopK([0.2f, 0.8f], [], 1);

        Assert.Equal("class_1", top[0].Label);
    }
}
