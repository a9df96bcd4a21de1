using System.Net.Http.Json;
using System.Text.Json;
using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>The pages over the prediction log in a real browser: analytics charts, history paging, detail and CSV export.</summary>
[Collection(ConsoleModelCollection.Name)]
public sealed class LogPagesTests(AppHostFixture fixture)
{
    private const string Model = ReferenceModelRoot.ConsoleModel;
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnalyticsPageChartsEachVersionsRequests()
    {
        var marker = Guid.NewGuid().ToString("N");
        await PredictAsync(marker, count: 6, versions: [1, 2]);

        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync($"/analytics?model={Model}", async page =>
        {
            // One series per served version, drawn (lines, or bars for a single bucket), and both versions in the totals and the A/B table.
            var requests = page.Locator("#requests-chart");
            await Assertions.Expect(requests).ToHaveAttributeAsync("data-series", "2", new() { Timeout = 30_000 });
            await Assertions.Expect(requests.Locator(".mud-chart-legend-item")).ToHaveCountAsync(2);
            Assert.True(await requests.Locator(".mud-chart-line, .mud-chart-bar").CountAsync() >= 2, "The requests chart draws no series.");
            await Assertions.Expect(page.Locator("#version-totals tbody tr")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#version-comparison .comparison-count-a")).Not.ToHaveTextAsync("0", new() { Timeout = 30_000 });
            await ChromiumSession.ScreenshotAsync(page, "console-analytics");
        });
    }

    [Fact]
    public async Task HistoryPagePagesByKeysetOpensAPredictionAndExportsCsv()
    {
        var marker = Guid.NewGuid().ToString("N");
        await PredictAsync(marker, count: 30, versions: [1]);

        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync($"/history?model={Model}", async page =>
        {
            var rows = page.Locator("#history-grid tbody tr.history-row");
            await Assertions.Expect(rows).ToHaveCountAsync(25, new() { Timeout = 30_000 });
            var firstPage = await PredictionIdsAsync(page);

            await page.ClickAsync("#history-older");
            await Assertions.Expect(page.Locator("#history-page-number")).ToHaveTextAsync("Page 2");
            await Assertions.Expect(rows.First).ToBeVisibleAsync();
            Assert.Empty(firstPage.Intersect(await PredictionIdsAsync(page)));

            await page.ClickAsync("#history-newer");
            await Assertions.Expect(page.Locator("#history-page-number")).ToHaveTextAsync("Page 1");
            await rows.First.Locator(".history-open").ClickAsync();
            await Assertions.Expect(page.Locator("#prediction-details")).ToContainTextAsync(marker);
            await ChromiumSession.ScreenshotAsync(page, "console-history");

            // The export link carries filters only; the dashboard adds the key on its way to the API.
            var href = await page.Locator("#export-csv").GetAttributeAsync("href");
            Assert.DoesNotContain(fixture.AdminKey, href ?? "");
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
            var csv = await File.ReadAllLinesAsync(await download.PathAsync(), Cancellation);
            Assert.StartsWith("id,created_at,model,version", csv[0]);
            Assert.Equal(30, csv.Count(line => line.Contains(marker, StringComparison.Ordinal)));
        });
    }

    /// <summary>The ids of the predictions the history page lists (each row's Open button names its prediction).</summary>
    private static Task<string[]> PredictionIdsAsync(IPage page) =>
        page.Locator("#history-grid .history-open").EvaluateAllAsync<string[]>("buttons => buttons.map(button => button.getAttribute('aria-label'))");

    /// <summary>Makes <paramref name="count"/> predictions whose texts carry <paramref name="marker"/> and waits until the log has them.</summary>
    private async Task PredictAsync(string marker, int count, int[] versions)
    {
        for (var index = 0; index < count; index++)
        {
            await PredictionCalls.PredictTextAsync(fixture.AdminApi,
                new { text = $"A warm and generous film {marker} {index}", model = Model, version = versions[index % versions.Length] });
        }

        await Eventually.PollAsync(async token =>
            {
                using var page = await fixture.AdminApi.GetFromJsonAsync<JsonDocument>(
                    $"/api/admin/predictions?model={Model}&limit=500", token);
                return page!.RootElement.GetProperty("items").EnumerateArray()
                    .Count(item => item.GetProperty("inputPreview").GetString()?.Contains(marker, StringComparison.Ordinal) == true);
            },
            logged => logged == count, LogTimeout, logged => $"{logged} of {count} predictions reached the log", Cancellation);
    }
}
