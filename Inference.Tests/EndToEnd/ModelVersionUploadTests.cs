using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>
/// <c>POST /api/admin/models/{name}/versions</c> on the shared AppHost: a version that loads is served and audited; every bad
/// upload gets a 4xx that says why and leaves no folder behind.
/// </summary>
public sealed class ModelVersionUploadTests(AppHostFixture fixture)
{
    private const string Model = ReferenceModelRoot.UploadModel;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string ModelFolder => Path.Combine(fixture.ReferenceModelsPath, Model);

    [Fact]
    public async Task UploadedVersionTakesTheNextNumberServesAndIsAudited()
    {
        var before = VersionFolders();

        using var response = await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/versions", SentimentUpload(), Cancellation);

        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        using var added = JsonDocument.Parse(body);
        var version = added.RootElement.GetProperty("version").GetInt32();
        Assert.Equal(before.Max() + 1, version);
        Assert.Equal("READY", added.RootElement.GetProperty("model").GetProperty("status").GetString());
        Assert.Contains(version, added.RootElement.GetProperty("model").GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([.. before, version], VersionFolders());
        Assert.Equal(["config.json", "model.onnx", "tokenizer_config.json", "vocab.txt"],
            Directory.EnumerateFiles(Path.Combine(ModelFolder, version.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(StagingFolders());

        var served = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = "An uploaded, lovely film", model = Model, version });
        Assert.Equal(version, served.VersionHeader);

        using var audit = await fixture.AdminApi.GetFromJsonAsync<JsonDocument>(
            $"/api/admin/audit?action=model.version.add&target=model:{Model}&limit=1", Cancellation);
        var entry = audit!.RootElement.GetProperty("items")[0];
        Assert.Equal("bootstrap", entry.GetProperty("actorKeyId").GetString());
        Assert.Contains(version, entry.GetProperty("after").GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.DoesNotContain(version, entry.GetProperty("before").GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
    }

    public static TheoryData<string, string> BadUploads => new()
    {
        { "not-onnx", "does not load" },
        { "no-vocabulary", "does not load" },
        { "no-model", "has no model.onnx" },
        { "dot-file-name", "not a plain file name" },
        { "onnx-among-files", "Send the ONNX file as 'model'" },
        { "unknown-field", "Unknown field 'weights'" },
        { "duplicate-file", "are named 'vocab.txt'" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task BadUploadIsRefusedWith400AndAddsNothing(string upload, string reason)
    {
        var before = VersionFolders();

        using var response = await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/versions", BadUpload(upload), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, reason);
        Assert.Equal(before, VersionFolders());
        Assert.Empty(StagingFolders());
    }

    [Fact]
    public async Task UploadOverTheLimitIsRefusedWith413WhetherItsLengthIsDeclaredOrNot()
    {
        var before = VersionFolders();
        var oversized = new byte[AppHostFixture.MaxModelUploadBytes + 1];

        using var declared = await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/versions", Upload(("model", "model.onnx", oversized)), Cancellation);
        var chunked = Upload(("model", "model.onnx", oversized));
        // Without a Content-Length the API finds out only while reading, and must stop there.
        await chunked.LoadIntoBufferAsync(Cancellation);
        var streamed = new StreamContent(await chunked.ReadAsStreamAsync(Cancellation));
        streamed.Headers.ContentType = chunked.Headers.ContentType;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/models/{Model}/versions") { Content = streamed };
        request.Headers.TransferEncodingChunked = true;
        using var undeclared = await fixture.AdminApi.SendAsync(request, Cancellation);

        await AssertProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge, "MiB");
        await AssertProblemAsync(undeclared, HttpStatusCode.RequestEntityTooLarge, "");
        Assert.Equal(before, VersionFolders());
        Assert.Empty(StagingFolders());
    }

    [Fact]
    public async Task UploadThatIsNotMultipartIsRefusedWith415()
    {
        using var response = await fixture.AdminApi.PostAsync($"/api/admin/models/{Model}/versions",
            new StringContent("""{"model": "model.onnx"}""", Encoding.UTF8, "application/json"), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "is not accepted here");
    }

    [Fact]
    public async Task UploadToAModelWithoutAFolderIs404()
    {
        using var response = await fixture.AdminApi.PostAsync("/api/admin/models/no-such-model/versions", SentimentUpload(), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "no-such-model");
    }

    private static MultipartFormDataContent SentimentUpload(params string[] leaveOut)
    {
        var folder = ReferenceModelRoot.SentimentVersionFolder;
        var parts = new List<(string, string, byte[])> { ("model", "uploaded.onnx", File.ReadAllBytes(Path.Combine(folder, "model.onnx"))) };
        parts.AddRange(new[] { "vocab.txt", "config.json", "tokenizer_config.json" }.Except(leaveOut)
            .Select(file => ("files", file, File.ReadAllBytes(Path.Combine(folder, file)))));
        return Upload([.. parts]);
    }

    private static HttpContent BadUpload(string upload)
    {
        var vocabulary = File.ReadAllBytes(Path.Combine(ReferenceModelRoot.SentimentVersionFolder, "vocab.txt"));
        var form = upload switch
        {
            "not-onnx" => Upload(("model", "model.onnx", "this is not an ONNX file"u8.ToArray()), ("files", "vocab.txt", vocabulary)),
            "no-vocabulary" => SentimentUpload("vocab.txt"),
            "no-model" => Upload(("files", "vocab.txt", vocabulary)),
            "dot-file-name" => AddTo(SentimentUpload(), ("files", ".profile", vocabulary)),
            "onnx-among-files" => AddTo(SentimentUpload(), ("files", "model.onnx", vocabulary)),
            "unknown-field" => AddTo(SentimentUpload(), ("weights", "weights.bin", vocabulary)),
            "duplicate-file" => AddTo(SentimentUpload(), ("files", "vocab.txt", vocabulary)),
            _ => throw new ArgumentOutOfRangeException(nameof(upload), upload, null),
        };
        return form;
    }

    private static MultipartFormDataContent Upload(params (string Field, string FileName, byte[] Content)[] parts) =>
        AddTo(new MultipartFormDataContent(), parts);

    private static MultipartFormDataContent AddTo(MultipartFormDataContent form, params (string Field, string FileName, byte[] Content)[] parts)
    {
        foreach (var (field, fileName, content) in parts)
        {
            form.Add(new ByteArrayContent(content), field, fileName);
        }
        return form;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    private int[] VersionFolders() =>
        [.. Directory.EnumerateDirectories(ModelFolder).Select(Path.GetFileName)
            .Select(name => int.TryParse(name, out var number) ? number : 0).Where(number => number > 0).Order()];

    private string[] StagingFolders() => [.. Directory.EnumerateDirectories(ModelFolder, ".upload-*")];
}
