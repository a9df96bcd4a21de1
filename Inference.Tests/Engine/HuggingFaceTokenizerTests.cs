using Inference.Engine.Errors;
using Inference.Engine.Processing;
using Inference.Engine.Processing.Tokenization;

namespace Inference.Tests.Engine;

/// <summary>
/// Every case of expected-ids.json, for bert (WordPiece), roberta (byte-level BPE) and t5 (SentencePiece Unigram),
/// loaded from tokenizer.json and from the family's own files: the ids must equal Hugging Face's (transformers.js).
/// </summary>
public sealed class HuggingFaceTokenizerTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("inference-tokenizers-").FullName;

    public static TheoryData<string, bool> FamiliesAndLoadings() => new()
    {
        { "bert", true }, { "bert", false },
        { "roberta", true }, { "roberta", false },
        { "t5", true }, { "t5", false },
    };

    [Theory]
    [MemberData(nameof(FamiliesAndLoadings))]
    public void EveryCaseGetsHuggingFaceIds(string family, bool fromTokenizerJson)
    {
        var folder = Link(family, fromTokenizerJson);
        using var encoder = TextEncoder.Load(new HuggingFaceFolder(folder), new TextSettings { MaxSequenceLength = 512 });
        using var limited = TextEncoder.Load(new HuggingFaceFolder(folder), new TextSettings { MaxSequenceLength = SharedTokenizers.Expected.MaxLength });

        var mismatches = new List<string>();
        var cases = SharedTokenizers.Expected.Families[family];
        foreach (var expected in cases)
        {
            var encoded = (expected.Truncation ? limited : encoder).Encode(expected.Text, expected.TextPair, expected.Truncation);
            if (!encoded.InputIds.SequenceEqual(expected.InputIds) || !encoded.TokenTypeIds.SequenceEqual(expected.TokenTypeIds)
                || encoded.Truncated != expected.Truncation || encoded.AttentionMask.Any(bit => bit != 1))
            {
                mismatches.Add($"{expected.Name}: expected [{string.Join(",", expected.InputIds)}] types [{string.Join(",", expected.TokenTypeIds)}], "
                    + $"got [{string.Join(",", encoded.InputIds)}] types [{string.Join(",", encoded.TokenTypeIds)}] truncated {encoded.Truncated}");
            }
        }

        Assert.True(cases.Length >= 17, $"expected-ids.json has only {cases.Length} cases for {family}");
        Assert.Empty(mismatches);
    }

    [Theory]
    [InlineData("bert", true, "tokenizer.json (WordPiece)")]
    [InlineData("bert", false, "vocab.txt (WordPiece)")]
    [InlineData("roberta", true, "tokenizer.json (BPE)")]
    [InlineData("roberta", false, "vocab.json + merges.txt (byte-level BPE)")]
    [InlineData("t5", true, "tokenizer.json (Unigram)")]
    [InlineData("t5", false, "spiece.model (SentencePiece Unigram)")]
    public void LoadsEachFamilyFromTheFilesPresentWithTheHubLimit(string family, bool fromTokenizerJson, string kind)
    {
        using var encoder = TextEncoder.Load(new HuggingFaceFolder(Link(family, fromTokenizerJson)), new TextSettings());

        Assert.Equal(kind, encoder.Kind);
        Assert.Equal(512, encoder.MaxSequenceLength);
    }

    [Theory]
    [InlineData("bert", new[] { "[CLS]", "hello", "world", "[SEP]" })]
    [InlineData("roberta", new[] { "<s>", "Hello", "Ġworld", "</s>" })]
    [InlineData("t5", new[] { "▁Hello", "▁world", "</s>" })]
    public void TokensAreTheVocabularyEntriesOfTheIds(string family, string[] tokens)
    {
        using var encoder = TextEncoder.Load(new HuggingFaceFolder(SharedTokenizers.Folder(family)), new TextSettings());

        Assert.Equal(tokens, encoder.Tokens(encoder.Encode("Hello world")));
    }

    [Fact]
    public void RefusesAPairLongerThanTheLimitUnlessTruncationIsAsked()
    {
        using var encoder = TextEncoder.Load(new HuggingFaceFolder(SharedTokenizers.Folder("bert")), new TextSettings { MaxSequenceLength = 8 });

        var error = Assert.Throws<InferenceException>(() => encoder.Encode("one two three four", "five six seven", truncate: false));

        Assert.Equal(InferenceErrorKind.InvalidInput, error.Kind);
        Assert.Contains("10 tokens", error.Message);
        Assert.Contains("\"truncation\": true", error.Message);
    }

    [Fact]
    public void AFolderWithoutTokenizerNamesTheFilesItLooksFor()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_scratch, "empty")).FullName;

        var error = Assert.Throws<ArgumentException>(() => TextEncoder.Load(new HuggingFaceFolder(empty), new TextSettings()));

        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains("spiece.model", error.Message);
    }

    [Fact]
    public void VocabJsonWithoutMergesIsRefusedByName()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_scratch, "no-merges")).FullName;
        File.CreateSymbolicLink(Path.Combine(folder, "vocab.json"), Path.Combine(SharedTokenizers.Folder("roberta"), "vocab.json"));

        var error = Assert.Throws<ArgumentException>(() => TextEncoder.Load(new HuggingFaceFolder(folder), new TextSettings()));

        Assert.Contains("merges.txt", error.Message);
    }

    [Fact]
    public void SentencePieceOfAnUnknownFamilyAsksForTokenizerJson()
    {
        var folder = Path.Combine(_scratch, "albert");
        SharedTokenizers.LinkInto(folder, "t5", withTokenizerJson: false, writeConfig: false);
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"model_type": "albert"}""");

        var error = Assert.Throws<ArgumentException>(() => TextEncoder.Load(new HuggingFaceFolder(folder), new TextSettings()));

        Assert.Contains("'albert'", error.Message);
        Assert.Contains("tokenizer.json", error.Message);
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
