using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace Inference.Tests.EndToEnd;

/// <summary>Every kind of bad submission gets its own 4xx ProblemDetails, and none leaves a job (or part of one) behind.</summary>
public sealed class BadJobRequestTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    // Bad items come after this many good ones, so a job created in part would be found by its size.
    private const int PaddedSize = 4_321;

    public static TheoryData<string, object, HttpStatusCode, string> BadBodies => new()
    {
        { "empty list", new { model = "sentiment", items = Array.Empty<string>() }, HttpStatusCode.BadRequest, "no items" },
        { "no items field", new { model = "sentiment" }, HttpStatusCode.BadRequest, "'items'" },
        { "too many items", new { model = "sentiment", items = Enumerable.Repeat("ok", 10_001).ToArray() }, HttpStatusCode.BadRequest, "at most 10,000" },
        { "unknown model", new { model = "no-such-model", items = Padded("fine") }, HttpStatusCode.NotFound, "no-such-model" },
        { "unknown version", new { model = "sentiment", version = 42, items = Padded("fine") }, HttpStatusCode.NotFound, "version 42" },
        { "image for a text model", new { model = "sentiment", items = Padded(new { image = "iVBORw0KGgo=" }) }, HttpStatusCode.BadRequest, $"item {PaddedSize - 1} is an image" },
        { "text for an image model", new { model = "digits", items = new object[] { new { text = "a cat" } } }, HttpStatusCode.BadRequest, "item 0 is a text" },
        { "text where an image belongs", new { model = "digits", items = new[] { "not base64 at all!" } }, HttpStatusCode.BadRequest, "not a base64" },
        { "base64 that is no image", new { model = "digits", items = new[] { Convert.ToBase64String(Encoding.UTF8.GetBytes("plain words")) } }, HttpStatusCode.BadRequest, "not an image" },
        { "empty text", new { items = Padded("  ") }, HttpStatusCode.BadRequest, $"item {PaddedSize - 1} is empty" },
        { "a number", new { items = Padded(42) }, HttpStatusCode.BadRequest, "is number" },
        { "text over the character limit", new { items = Padded(new string('a', 20_001)) }, HttpStatusCode.RequestEntityTooLarge, "characters" },
        { "zero top", new { model = "digits", top = 0, items = new[] { "x" } }, HttpStatusCode.BadRequest, "top" },
    };

    private static object[] Padded(object bad) => [.. BatchJobClient.Reviews(PaddedSize - 1, " (refused)"), bad];

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadJobIsRefusedWithItsStatusAndCreatesNothing(string what, object body, HttpStatusCode expected, string detail)
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/jobs", body, Cancellation);

        await AssertProblemAsync(response, expected, detail, what);
        Assert.Equal(0, await CountRefusedJobsAsync());
    }

    [Fact]
    public async Task MalformedJsonIsRefusedWith400()
    {
        using var content = new StringContent("{\"items\": [\"unterminated", Encoding.UTF8, "application/json");

        var response = await fixture.Api.PostAsync("/api/jobs", content, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "JSON", "malformed JSON");
    }

    [Fact]
    public async Task PlainTextBodyIsRefusedWith415()
    {
        using var content = new StringContent("I loved it", Encoding.UTF8, "text/plain");

        var response = await fixture.Api.PostAsync("/api/jobs", content, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "text/plain", "text/plain body");
    }

    [Theory]
    [InlineData("no file field", null, null, "'file'")]
    [InlineData("a column the CSV lacks", "id,review\n1,fine\n", "title", "no column 'title'")]
    [InlineData("an empty file", "\n\n", null, "no items")]
    [InlineData("a non-numeric version", "fine\n", null, "whole number")]
    public async Task BadUploadIsRefusedWith400(string what, string? file, string? column, string detail)
    {
        using var form = new MultipartFormDataContent();
        if (file is not null)
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(file)), "file", "items.csv");
        }
        else
        {
            form.Add(new StringContent("hello"), "comment");
        }
        if (column is not null)
        {
            form.Add(new StringContent(column), "column");
        }
        if (detail == "whole number")
        {
            form.Add(new StringContent("latest"), "version");
        }

        var response = await fixture.Api.PostAsync("/api/jobs", form, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, detail, what);
    }

    [Fact]
    public async Task UnknownJobIsA404()
    {
        var status = await fixture.Api.GetAsync($"/api/jobs/{Guid.NewGuid()}", Cancellation);
        var results = await fixture.Api.GetAsync($"/api/jobs/{Guid.NewGuid()}/results", Cancellation);

        await AssertProblemAsync(status, HttpStatusCode.NotFound, "does not exist", "status");
        await AssertProblemAsync(results, HttpStatusCode.NotFound, "does not exist", "results");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string detailContains, string what)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(expected == response.StatusCode, $"{what}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemDto>(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Equal((int)expected, problem.Status);
        Assert.Contains(detailContains, problem.Detail ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Jobs the size of a refused submission: none may exist, not even one created in part.</summary>
    private async Task<long> CountRefusedJobsAsync()
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("inferencedb"));
        await connection.OpenAsync(Cancellation);
        await using var query = new NpgsqlCommand($"""SELECT count(*) FROM batch_jobs WHERE "TotalItems" IN ({PaddedSize}, 10001)""", connection);
        return (long)(await query.ExecuteScalarAsync(Cancellation))!;
    }
}
