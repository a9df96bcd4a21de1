using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Inference.Tests.EndToEnd;

/// <summary>Every kind of bad input gets its own 4xx with ProblemDetails, never a 500.</summary>
public sealed class BadInputTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    public async Task PredictRejectsEmptyTextWith400(string text)
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "empty");
    }

    [Fact]
    public async Task PredictRejectsTextOverTheTokenLimitWith400()
    {
        var text = string.Join(' ', Enumerable.Repeat("wonderful", 300));

        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "tokens");
    }

    [Fact]
    public async Task PredictRejectsTextOverTheCharacterLimitWith413()
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text = new string('a', 20_001) }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "characters");
    }

    [Fact]
    public async Task PredictRejectsBodyWithoutTextWith400()
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { model = "sentiment" }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "text");
    }

    [Fact]
    public async Task PredictRejectsMalformedJsonWith400()
    {
        using var content = new StringContent("{\"text\": \"unterminated", Encoding.UTF8, "application/json");

        var response = await fixture.Api.PostAsync("/api/predict/text", content, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PredictRejectsNonJsonTextBodyWith415()
    {
        using var content = new StringContent("I loved it", Encoding.UTF8, "text/plain");

        var response = await fixture.Api.PostAsync("/api/predict/text", content, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task PredictRejectsUnknownModelWith404()
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text = "fine", model = "no-such-model" }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "no-such-model");
    }

    [Fact]
    public async Task PredictRejectsUnknownVersionWith404()
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text = "fine", version = 42 }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "version 42");
    }

    [Fact]
    public async Task PredictRejectsImageModelForTextWith400()
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text = "fine", model = "digits" }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "image-classification");
    }

    [Fact]
    public async Task ImageRouteRejectsAFileThatIsNotAnImageWith415()
    {
        var response = await ImagePredictionTests.UploadAsync(fixture.Api, "", Encoding.UTF8.GetBytes("just some text, not pixels"), "notes.txt", "text/plain");

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "not an image");
    }

    [Fact]
    public async Task ImageRouteRefusesAHugePictureFromItsHeaderAlone()
    {
        var png = PngHeaderOnly(20_000, 20_000);

        var response = await ImagePredictionTests.UploadAsync(fixture.Api, "", png, "huge.png", "image/png");

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "20000x20000");
        // Decoding 400 megapixels would take seconds and gigabytes; the header check answers at once.
        Assert.True(png.Length < 1024, $"the upload is {png.Length} bytes");
    }

    [Fact]
    public async Task ImageRouteRejectsAnUploadOverTheByteLimitWith413()
    {
        var bytes = new byte[11 * 1024 * 1024];

        var response = await ImagePredictionTests.UploadAsync(fixture.Api, "", bytes, "big.jpg");

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task ImageRouteRejectsAFormWithoutFileFieldWith400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("hello"), "comment" } };

        var response = await fixture.Api.PostAsync("/api/predict/image", form, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "'file'");
    }

    [Fact]
    public async Task ImageRouteRejectsJsonBodyWith415()
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/predict/image", new { image = "abc" }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "multipart/form-data");
    }

    [Fact]
    public async Task ImageRouteRejectsTextModelWith400()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.TestImage("goldfish.jpg"), Cancellation);

        var response = await ImagePredictionTests.UploadAsync(fixture.Api, "?model=sentiment", bytes, "goldfish.jpg");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "text-classification");
    }

    [Fact]
    public async Task ImageRouteRejectsUnknownModelWith404()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.TestImage("goldfish.jpg"), Cancellation);

        var response = await ImagePredictionTests.UploadAsync(fixture.Api, "?model=nope", bytes, "goldfish.jpg");

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ImageRouteRejectsANonNumericVersionWith400()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.TestImage("goldfish.jpg"), Cancellation);

        var response = await ImagePredictionTests.UploadAsync(fixture.Api, "?model=mobilenet&version=latest", bytes, "goldfish.jpg");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string? detailContains = null)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemDto>(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Equal((int)expected, problem.Status);
        if (detailContains is not null)
        {
            Assert.Contains(detailContains, problem.Detail ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>A valid PNG that claims the given size but carries one row of pixels: cheap to send, huge if decoded.</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grayscale), compression, filter, interlace all 0
        WriteChunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zlib.Write(new byte[16]);
            }
            WriteChunk(png, "IDAT", compressed.ToArray());
        }
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        stream.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in bytes)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
