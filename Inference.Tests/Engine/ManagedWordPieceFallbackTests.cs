using Inference.Engine.Processing;
using Inference.Engine.Processing.Tokenization;

namespace Inference.Tests.Engine;

/// <summary>
/// Where Hugging Face's native tokenizers library does not load (every platform but linux-x64), BERT WordPiece models
/// run on Microsoft.ML.Tokenizers with the same ids, and other families are refused with a reason naming the library.
/// The missing library is stood in by a native constructor that throws what .NET throws for it.
/// </summary>
public sealed class ManagedWordPieceFallbackTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("inference-fallback-").FullName;

    private static ISubwordTokenizer MissingNativeLibrary(TokenizerDefinition definition) =>
        throw new DllNotFoundException("Unable to load shared library 'hf_tokenizers'.");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BertFallsBackToTheManagedTokenizerWithHuggingFaceIdsForEveryCase(bool fromTokenizerJson)
    {
        var definition = TokenizerDefinition.Load(new HuggingFaceFolder(Link("bert", fromTokenizerJson)), new TextSettings());
        var maxLength = SharedTokenizers.Expected.MaxLength;
        var tokenizer = SubwordTokenizer.Create(definition, MissingNativeLibrary);
        using var encoder = new TextEncoder(definition, 512, tokenizer);
        using var limited = new TextEncoder(definition, maxLength, SubwordTokenizer.Create(definition, MissingNativeLibrary));

        var mismatches = new List<string>();
        foreach (var expected in SharedTokenizers.Expected.Families["bert"])
        {
            var encoded = (expected.Truncation ? limited : encoder).Encode(expected.Text, expected.TextPair, expected.Truncation);
            if (!encoded.InputIds.SequenceEqual(expected.InputIds) || !encoded.TokenTypeIds.SequenceEqual(expected.TokenTypeIds))
            {
                mismatches.Add($"{expected.Name} ({expected.Text}): expected [{string.Join(",", expected.InputIds)}], got [{string.Join(",", encoded.InputIds)}]");
            }
        }

        Assert.IsType<ManagedWordPieceTokenizer>(tokenizer);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void TheDefaultSentimentModelLoadsWithoutTheNativeLibrary()
    {
        var vocabulary = Path.Combine(TestPaths.RepositoryRoot, "models", "sentiment", "1", "vocab.txt");
        var definition = WordPieceFiles.Read(vocabulary, new HuggingFaceFolder(Path.GetDirectoryName(vocabulary)!), lowercaseOverride: true);
        using var native = new TextEncoder(definition, 128);
        using var managed = new TextEncoder(definition, 128, SubwordTokenizer.Create(definition, MissingNativeLibrary));

        const string review = "The battery died after two days, but support replaced it — très bien! 👍";

        Assert.IsType<HuggingFaceTokenizer>(SubwordTokenizer.Create(definition));
        Assert.Equal(native.Encode(review).InputIds, managed.Encode(review).InputIds);
    }

    [Theory]
    [InlineData("roberta", true, "tokenizer.json (BPE)")]
    [InlineData("roberta", false, "vocab.json + merges.txt (byte-level BPE)")]
    [InlineData("t5", true, "tokenizer.json (Unigram)")]
    [InlineData("t5", false, "spiece.model (SentencePiece Unigram)")]
    public void OtherFamiliesWithoutTheNativeLibraryAreRefusedWithTheReason(string family, bool fromTokenizerJson, string kind)
    {
        var definition = TokenizerDefinition.Load(new HuggingFaceFolder(Link(family, fromTokenizerJson)), new TextSettings());

        var error = Assert.Throws<ArgumentException>(() => SubwordTokenizer.Create(definition, MissingNativeLibrary));

        Assert.Contains(kind, error.Message);
        Assert.Contains("native tokenizers library", error.Message);
        Assert.Contains("only BERT WordPiece", error.Message);
    }

    private string Link(string family, bool fromTokenizerJson)
    {
        var folder = Path.Combine(_scratch, $"{family}-{(fromTokenizerJson ? "json" : "own")}");
        if (!Directory.Exists(folder))
        {
            SharedTokenizers.LinkInto(folder, family, fromTokenizerJson);
        }
        return folder;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
