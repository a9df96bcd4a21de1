using Inference.Engine.Errors;
using Inference.Engine.Processing;

namespace Inference.Tests.Engine;

public sealed class TextEncoderTests
{
    private static readonly string VocabularyPath = Path.Combine(TestPaths.ProjectModels, "sentiment", "1", "vocab.txt");
    private static readonly string[] Vocabulary = File.ReadAllLines(VocabularyPath);

    private static string[] Tokens(EncodedText encoded) => [.. encoded.InputIds.Select(id => Vocabulary[id])];

    [Fact]
    public void EncodesLowercasedWordsAndPunctuationBetweenClsAndSep()
    {
        var encoder = new TextEncoder(VocabularyPath, lowercase: true, maxSequenceLength: 128);

        var encoded = encoder.Encode("The MOVIE was great!");

        Assert.Equal(["[CLS]", "the", "movie", "was", "great", "!", "[SEP]"], Tokens(encoded));
        Assert.All(encoded.AttentionMask, value => Assert.Equal(1, value));
    }

    [Fact]
    public void StripsAccentsLikeUncasedBert()
    {
        var encoder = new TextEncoder(VocabularyPath, lowercase: true, maxSequenceLength: 128);

        Assert.Equal(Tokens(encoder.Encode("the movie was great")), Tokens(encoder.Encode("thé movie wás great")));
    }

    [Fact]
    public void UnknownWordsBecomeWordPiecesOrUnk()
    {
        var encoder = new TextEncoder(VocabularyPath, lowercase: true, maxSequenceLength: 128);

        var tokens = Tokens(encoder.Encode("zxqvbn"));

        Assert.Equal("[CLS]", tokens[0]);
        Assert.Equal("[SEP]", tokens[^1]);
        Assert.All(tokens[2..^1], token => Assert.True(token.StartsWith("##", StringComparison.Ordinal) || token == "[UNK]", token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t ")]
    public void RefusesEmptyText(string text)
    {
        var encoder = new TextEncoder(VocabularyPath, lowercase: true, maxSequenceLength: 128);

        var error = Assert.Throws<InferenceException>(() => encoder.Encode(text));

        Assert.Equal(InferenceErrorKind.InvalidInput, error.Kind);
    }

    [Fact]
    public void RefusesTextLongerThanTheModelAcceptsInsteadOfTruncating()
    {
        var encoder = new TextEncoder(VocabularyPath, lowercase: true, maxSequenceLength: 16);

        var error = Assert.Throws<InferenceException>(() => encoder.Encode(string.Join(' ', Enumerable.Repeat("great", 15))));

        Assert.Equal(InferenceErrorKind.InvalidInput, error.Kind);
        Assert.Contains("17 tokens", error.Message);
    }
}
