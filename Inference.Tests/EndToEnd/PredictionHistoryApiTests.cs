using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Inference.Tests.Browser;

namespace Inference.Tests.EndToEnd;

/// <summary>GET /api/admin/predictions: filters, keyset pages that neither skip nor repeat, the CSV export, bad queries.</summary>
[Collection(ConsoleModelCollection.Name)]
public sealed class PredictionHistoryApiTests(AppHostFixture fixture)
{
    private const string Model = ReferenceModelRoot.ConsoleModel;
    private const int Predictions = 7;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PredictionLogPagesByKeysetFiltersAndExportsCsv()
    {
        var marker = Guid.NewGuid().ToString("N");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var index = 0; index < Predictions; index++)
        {
            await PredictionCalls.PredictTextAsync(fixture.AdminApi, new { text = $"History {marker} {index}", model = Model, version = 2 });
        }
        var filter = $"model={Model}&version=2&status=success&from={Uri.EscapeDataString(since.ToString("O"))}";
        await Eventually.PollAsync(token => CountAsync($"/api/admin/predictions?{filter}&limit=500", token), count => count >= Predictions,
            TimeSpan.FromSeconds(30), count => $"{count} of {Predictions} predictions reached the log", Cancellation);

        // Pages of 3 through the 'next' links: every prediction once, newest first.
        var seen = new List<(DateTimeOffset CreatedAt, long Id)>();
        for (var url = $"/api/admin/predictions?{filter}&limit=3"; url is not null;)
        {
            using var page = await fixture.AdminApi.GetFromJsonAsync<JsonDocument>(url, Cancellation);
            seen.AddRange(page!.RootElement.GetProperty("items").EnumerateArray()
                .Where(item => item.GetProperty("inputPreview").GetString()!.Contains(marker, StringComparison.Ordinal))
                .Select(item => (item.GetProperty("createdAt").GetDateTimeOffset(), item.GetProperty("id").GetInt64())));
            url = page.RootElement.GetProperty("next").GetString();
            Assert.True(seen.Count <= Predictions * 2, "The pages never end.");
        }
        Assert.Equal(Predictions, seen.Count);
        Assert.Equal(Predictions, seen.Select(row => row.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(row => row.CreatedAt).ThenByDescending(row => row.Id), seen);

        // Other filters exclude them.
        Assert.Equal(0, await CountAsync($"/api/admin/predictions?model={Model}&version=1&label=no-such-label", Cancellation));

        using var csv = await fixture.AdminApi.GetAsync($"/api/admin/predictions?{filter}&format=csv", Cancellation);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Cancellation)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,created_at,model,version,route,outcome,label", lines[0]);
        Assert.Equal(Predictions, lines.Count(line => line.Contains(marker, StringComparison.Ordinal) && line.Contains($",{Model},2,", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("before=yesterday")]
    [InlineData("before=12_x")]
    [InlineData("format=xml")]
    [InlineData("from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z")]
    public async Task PredictionLogRejectsABadQueryWith400(string query)
    {
        using var response = await fixture.AdminApi.GetAsync($"/api/admin/predictions?{query}", Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await response.Content.ReadFromJsonAsync<JsonDocument>(Cancellation);
        Assert.False(string.IsNullOrEmpty(problem!.RootElement.GetProperty("detail").GetString()));
    }

    private async Task<int> CountAsync(string url, CancellationToken cancellationToken)
    {
        using var page = await fixture.AdminApi.GetFromJsonAsync<JsonDocument>(url, cancellationToken);
        return page!.RootElement.GetProperty("items").GetArrayLength();
    }
}
