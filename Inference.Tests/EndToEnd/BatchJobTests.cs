using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Inference.Tests.EndToEnd;

/// <summary>Batch jobs through the running AppHost: real Redis Stream, real Postgres, the API's own consumer.</summary>
public sealed class BatchJobTests(AppHostFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThousandTextJobCompletesWithExactlyOneResultPerItem()
    {
        var texts = BatchJobClient.Reviews(1000);

        var submitted = await BatchJobClient.SubmitAsync(fixture.Api, new { model = "sentiment", items = texts });
        var job = await BatchJobClient.WaitAsync(fixture.Api, submitted.Id, JobTimeout);

        Assert.Equal(("queued", 1000, 0), (submitted.State, submitted.TotalItems, submitted.ProcessedItems));
        Assert.Equal(("completed", 1000, 1000, 0, 1.0), (job.State, job.ProcessedItems, job.SucceededItems, job.FailedItems, job.Progress));
        Assert.NotNull(job.StartedAt);
        Assert.True(job.FinishedAt >= job.StartedAt);
        Assert.True(job.ItemsPerSecond > 0);
        var results = await BatchJobClient.ReadAllResultsAsync(fixture.Api, job.Id);
        Assert.Equal(Enumerable.Range(0, 1000), results.Select(result => result.Index));
        Assert.All(results, result => Assert.Equal(result.Index % 2 == 0 ? "positive" : "negative", result.Label));
        Assert.All(results, result => Assert.Equal(texts[result.Index], result.Input));
        Assert.Equal((1000, 1000), await CountResultRowsAsync(job.Id));
    }

    [Fact]
    public async Task ResultsArePagedAndDownloadableAsNdjsonAndCsv()
    {
        string[] texts = ["I loved it, truly \"wonderful\", would buy again", .. BatchJobClient.Reviews(24, " (downloads)")];
        var job = await BatchJobClient.WaitAsync(fixture.Api,
            (await BatchJobClient.SubmitAsync(fixture.Api, new { items = texts })).Id, JobTimeout);

        var firstPage = (await fixture.Api.GetFromJsonAsync<JobResultsPageDto>($"/api/jobs/{job.Id}/results?limit=10", Cancellation))!;
        var ndjson = await fixture.Api.GetAsync($"/api/jobs/{job.Id}/results?format=ndjson", Cancellation);
        var csv = await fixture.Api.GetAsync($"/api/jobs/{job.Id}/results?format=csv", Cancellation);

        Assert.Equal(Enumerable.Range(0, 10), firstPage.Items.Select(item => item.Index));
        Assert.Equal($"/api/jobs/{job.Id}/results?after=9&limit=10", firstPage.Next);
        Assert.Equal("application/x-ndjson", ndjson.Content.Headers.ContentType?.MediaType);
        var lines = (await ndjson.Content.ReadAsStringAsync(Cancellation)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parsed = lines.Select(line => JsonSerializer.Deserialize<JobResultDto>(line, new JsonSerializerOptions(JsonSerializerDefaults.Web))!).ToList();
        Assert.Equal(Enumerable.Range(0, 25), parsed.Select(result => result.Index));
        Assert.All(parsed, result => Assert.Equal(2, result.Predictions!.Length));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync(Cancellation)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("index,status,label,score,error,input", rows[0]);
        Assert.Equal(26, rows.Length);
        Assert.StartsWith("0,succeeded,positive,", rows[1]);
        Assert.EndsWith(",\"I loved it, truly \"\"wonderful\"\", would buy again\"", rows[1]);
    }

    [Fact]
    public async Task UploadedTextFileAndCsvColumnBecomeItems()
    {
        var lines = "A wonderful day out, I loved it\n\nDreadful service and cold food\r\nBrilliant, just brilliant\n";
        var csv = "id,review,stars\n1,\"Great phone, lasts all day\",5\n2,\"He said \"\"never again\"\"\nand meant it\",1\n";

        var fromLines = await UploadAsync("?model=sentiment", Encoding.UTF8.GetBytes(lines), "reviews.txt", "text/plain");
        var fromCsv = await UploadAsync("", Encoding.UTF8.GetBytes(csv), "reviews.csv", "text/csv", ("column", "review"));
        var linesJob = await BatchJobClient.WaitAsync(fixture.Api, fromLines.Id, JobTimeout);
        var csvJob = await BatchJobClient.WaitAsync(fixture.Api, fromCsv.Id, JobTimeout);

        Assert.Equal(("completed", 3), (linesJob.State, linesJob.ProcessedItems));
        Assert.Equal(
            ["A wonderful day out, I loved it", "Dreadful service and cold food", "Brilliant, just brilliant"],
            (await BatchJobClient.ReadAllResultsAsync(fixture.Api, linesJob.Id)).Select(result => result.Input));
        Assert.Equal(("completed", 2), (csvJob.State, csvJob.ProcessedItems));
        Assert.Equal(
            ["Great phone, lasts all day", "He said \"never again\"\nand meant it"],
            (await BatchJobClient.ReadAllResultsAsync(fixture.Api, csvJob.Id)).Select(result => result.Input));
    }

    [Fact]
    public async Task CancelStopsTheJobAndKeepsWhatWasDone()
    {
        var submitted = await BatchJobClient.SubmitAsync(fixture.Api, new { items = BatchJobClient.Reviews(10_000, " (cancel)") });
        await BatchJobClient.WaitAsync(fixture.Api, submitted.Id, JobTimeout, job => job.ProcessedItems > 0);

        var cancel = await fixture.Api.DeleteAsync($"/api/jobs/{submitted.Id}", Cancellation);
        var again = await fixture.Api.DeleteAsync($"/api/jobs/{submitted.Id}", Cancellation);
        var cancelled = (await cancel.Content.ReadFromJsonAsync<JobDto>(Cancellation))!;
        // Items already taken by the consumer finish or are skipped; none is stored after the cancellation.
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        var settled = await BatchJobClient.GetAsync(fixture.Api, submitted.Id);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        var later = await BatchJobClient.GetAsync(fixture.Api, submitted.Id);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("cancelled", cancelled.State);
        Assert.Equal("cancelled", later.State);
        Assert.InRange(later.ProcessedItems, 1, 9_999);
        Assert.Equal(settled.ProcessedItems, later.ProcessedItems);
        var (rows, distinct) = await CountResultRowsAsync(submitted.Id);
        Assert.Equal((later.ProcessedItems, later.ProcessedItems), (rows, distinct));
    }

    [Fact]
    public async Task CancellingAFinishedJobIsAConflict()
    {
        var job = await BatchJobClient.WaitAsync(fixture.Api,
            (await BatchJobClient.SubmitAsync(fixture.Api, new { items = new[] { "Lovely" } })).Id, JobTimeout);

        var cancel = await fixture.Api.DeleteAsync($"/api/jobs/{job.Id}", Cancellation);
        var missing = await fixture.Api.DeleteAsync($"/api/jobs/{Guid.NewGuid()}", Cancellation);

        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("completed", (await BatchJobClient.GetAsync(fixture.Api, job.Id)).State);
    }

    [Fact]
    public async Task PoisonItemsFailAloneAndTheJobCompletes()
    {
        var tooLong = string.Join(' ', Enumerable.Repeat("wonderful", 300));
        string[] texts = [.. BatchJobClient.Reviews(40, " (poison)")];
        texts[7] = tooLong;
        texts[31] = tooLong;
        var digit = await File.ReadAllBytesAsync(Path.Combine(TestPaths.ProjectModels, "digits", "samples", "3.png"), Cancellation);
        // A PNG whose header reads fine but whose pixel data is garbage: it passes submission and fails when decoded.
        var corrupt = digit[..64].Concat(Enumerable.Repeat((byte)0x5A, 200)).ToArray();
        object[] images = [Convert.ToBase64String(digit), new { image = $"data:image/png;base64,{Convert.ToBase64String(corrupt)}" }, Convert.ToBase64String(digit)];

        var textJob = await BatchJobClient.SubmitAsync(fixture.Api, new { model = "sentiment", items = texts });
        var imageJob = await BatchJobClient.SubmitAsync(fixture.Api, new { model = "digits", top = 3, items = images });
        var texted = await BatchJobClient.WaitAsync(fixture.Api, textJob.Id, JobTimeout);
        var imaged = await BatchJobClient.WaitAsync(fixture.Api, imageJob.Id, JobTimeout);

        Assert.Equal(("completed", 40, 2), (texted.State, texted.ProcessedItems, texted.FailedItems));
        var textResults = await BatchJobClient.ReadAllResultsAsync(fixture.Api, texted.Id);
        Assert.Equal([7, 31], textResults.Where(result => !result.Succeeded).Select(result => result.Index));
        Assert.All(textResults.Where(result => !result.Succeeded), result => Assert.Contains("tokens", result.Error));
        Assert.Equal(("completed", 3, 1), (imaged.State, imaged.ProcessedItems, imaged.FailedItems));
        var imageResults = await BatchJobClient.ReadAllResultsAsync(fixture.Api, imaged.Id);
        Assert.False(imageResults[1].Succeeded);
        Assert.Matches("image could not be (read|decoded)", imageResults[1].Error);
        Assert.All([imageResults[0], imageResults[2]], result => Assert.Equal(("3", 3), (result.Label, result.Predictions!.Length)));
    }

    [Fact]
    public async Task RecentJobsAreListedNewestFirst()
    {
        var first = await BatchJobClient.SubmitAsync(fixture.Api, new { items = new[] { "Fine" } });
        var second = await BatchJobClient.SubmitAsync(fixture.Api, new { items = new[] { "Awful" } });

        var jobs = (await fixture.Api.GetFromJsonAsync<JobDto[]>("/api/jobs?limit=100", Cancellation))!;
        var badState = await fixture.Api.GetAsync("/api/jobs?state=sleeping", Cancellation);

        var positions = jobs.Select((job, position) => (job.Id, position)).ToDictionary(pair => pair.Id, pair => pair.position);
        Assert.True(positions[second.Id] < positions[first.Id]);
        Assert.True(jobs.Zip(jobs.Skip(1)).All(pair => pair.First.CreatedAt >= pair.Second.CreatedAt));
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheJobRoutes()
    {
        var document = await fixture.Api.GetStringAsync("/openapi/v1.json", Cancellation);

        Assert.Contains("/api/jobs/{id}/results", document);
        Assert.Contains("\"SubmitJob\"", document);
        Assert.Contains("\"CancelJob\"", document);
        Assert.Contains("multipart/form-data", document);
    }

    private async Task<JobDto> UploadAsync(string query, byte[] content, string fileName, string contentType, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        var response = await fixture.Api.PostAsync($"/api/jobs{query}", form, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JobDto>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    /// <summary>Result rows in Postgres for a job, and how many distinct items they cover.</summary>
    private async Task<(long Rows, long Distinct)> CountResultRowsAsync(Guid jobId)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("inferencedb"));
        await connection.OpenAsync(Cancellation);
        await using var query = new NpgsqlCommand(
            """SELECT count(*), count(DISTINCT "ItemIndex") FROM batch_job_results WHERE "JobId" = @job""", connection);
        query.Parameters.AddWithValue("job", jobId);
        await using var reader = await query.ExecuteReaderAsync(Cancellation);
        await reader.ReadAsync(Cancellation);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
