using System.Text.Json;
using System.Text;
using Inference.Api.Jobs;
using Inference.Engine.Errors;
using Inference.Engine.Repository;

namespace Inference.Tests.Jobs;

/// <summary>Turning submitted items and uploaded files into job items, and refusing bad ones before anything is created.</summary>
public sealed class JobItemReaderTests
{
    private static readonly JobItemReader Reader = new(new BatchJobOptions { MaxItems = 5 }, new InferenceOptions { MaxTextCharacters = 50, MaxImageBytes = 1024 });
    private static readonly byte[] Png = File.ReadAllBytes(Path.Combine(TestPaths.ProjectModels, "digits", "samples", "3.png"));

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void StringsAndTextObjectsBecomeTextsInOrder()
    {
        var items = Reader.FromJson(Json("""["first", {"text": "second"}]"""), JobItemKinds.Text, "sentiment");

        Assert.Equal([(0, "first"), (1, "second")], items.Select(item => (item.Index, item.Text)));
    }

    [Fact]
    public void Base64AndDataUrisBecomeImageBytes()
    {
        var base64 = Convert.ToBase64String(Png);

        var items = Reader.FromJson(Json($$"""["{{base64}}", {"image": "data:image/png;base64,{{base64}}"}]"""), JobItemKinds.Image, "digits");

        Assert.All(items, item => Assert.Equal(Png, item.Image));
    }

    [Theory]
    [InlineData("""[]""", JobItemKinds.Text, "no items")]
    [InlineData("""["a","b","c","d","e","f"]""", JobItemKinds.Text, "at most 5")]
    [InlineData("""{"items": 1}""", JobItemKinds.Text, "'items' array")]
    [InlineData("""["fine", {"image": "iVBORw0KGgo="}]""", JobItemKinds.Text, "Item 1 is an image")]
    [InlineData("""[{"text": "a cat"}]""", JobItemKinds.Image, "Item 0 is a text")]
    [InlineData("""["fine", null]""", JobItemKinds.Text, "Item 1 is null")]
    [InlineData("""["fine", " "]""", JobItemKinds.Text, "Item 1 is empty")]
    [InlineData("""["hello world!"]""", JobItemKinds.Image, "not a base64")]
    [InlineData("""["data:image/png,abc"]""", JobItemKinds.Image, "without base64")]
    [InlineData("""["aGVsbG8gd29ybGQ="]""", JobItemKinds.Image, "not an image")]
    public void BadItemsAreRefusedWithAReason(string json, string kind, string reason)
    {
        var error = Assert.Throws<InferenceException>(() => Reader.FromJson(Json(json), kind, "model"));

        Assert.Equal(InferenceErrorKind.InvalidInput, error.Kind);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void OversizedTextsAndImagesArePayloadTooLarge()
    {
        var text = Assert.Throws<InferenceException>(() => Reader.FromJson(Json($"""["{new string('a', 51)}"]"""), JobItemKinds.Text, "m"));
        var image = Assert.Throws<InferenceException>(() => Reader.FromJson(Json($"""["{Convert.ToBase64String(new byte[2048])}"]"""), JobItemKinds.Image, "m"));

        Assert.Equal((InferenceErrorKind.PayloadTooLarge, InferenceErrorKind.PayloadTooLarge), (text.Kind, image.Kind));
    }

    [Fact]
    public async Task LinesSkipBlanksAndKeepTheirLineNumbersForMessages()
    {
        var (values, positions) = await JobFileReader.ReadAsync(new StringReader("one\r\n\n  \ntwo\nthree"), null, 10, TestContext.Current.CancellationToken);

        Assert.Equal(["one", "two", "three"], values);
        Assert.Equal(["Line 1", "Line 4", "Line 5"], positions);
    }

    [Fact]
    public async Task NamedCsvColumnHandlesQuotesCommasAndLineBreaks()
    {
        var csv = "id,Review,stars\n1,plain,5\n2,\"with, comma\",4\n3,\"said \"\"hi\"\"\nthen left\",1\n4\n";

        var (values, positions) = await JobFileReader.ReadAsync(new StringReader(csv), "review", 10, TestContext.Current.CancellationToken);

        Assert.Equal(["plain", "with, comma", "said \"hi\"\nthen left", ""], values);
        Assert.Equal("Row 5 ('review')", positions[3]);
        var error = Assert.Throws<InferenceException>(() => Reader.FromValues(values, positions, JobItemKinds.Text));
        Assert.Contains("Row 5 ('review') is empty", error.Message);
    }

    [Theory]
    [InlineData("id,review\n1,ok\n", "title", "no column 'title'")]
    [InlineData("", "review", "header row")]
    [InlineData("review\n\"never closed\n", "review", "ends inside a quoted field")]
    [InlineData("a\nb\nc\n", null, "more than 2")]
    public async Task BadFilesAreRefusedWithAReason(string content, string? column, string reason)
    {
        var error = await Assert.ThrowsAsync<InferenceException>(() =>
            JobFileReader.ReadAsync(new StringReader(content), column, 2, TestContext.Current.CancellationToken));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void EncodedPngHeaderIsEnoughToPassSubmission()
    {
        // Only the header is checked at submission; pixels are decoded when the item runs (a corrupt body fails alone then).
        var truncated = Png[..40];

        var items = Reader.FromValues([Convert.ToBase64String(truncated)], ["Line 1"], JobItemKinds.Image);

        Assert.Equal(truncated, items[0].Image);
        Assert.Equal(Encoding.ASCII.GetBytes("PNG"), items[0].Image![1..4]);
    }
}
