using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>The jobs page in a real browser: submit pasted lines, watch the progress bar fill, download the results.</summary>
public sealed class JobsPageTests(AppHostFixture fixture)
{
    private const int Items = 40;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JobsPageSubmitsPastedLinesShowsProgressAndDownloadsResults()
    {
        var marker = Guid.NewGuid().ToString("N");
        var lines = Enumerable.Range(0, Items).Select(index => $"An honest, moving performance {marker} {index}");

        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync("/jobs", async page =>
        {
            await page.FillAsync("#job-lines", string.Join('\n', lines));
            await page.ClickAsync("#submit-job");

            // The newest job is first; the page polls, so its bar fills without a reload.
            var progress = page.Locator(".job-progress").First;
            await Assertions.Expect(progress).ToHaveAttributeAsync("data-total", Items.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new() { Timeout = 30_000 });
            await Assertions.Expect(progress).ToHaveAttributeAsync("data-processed", Items.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator(".job-state").First).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 30_000 });
            await ChromiumSession.ScreenshotAsync(page, "console-jobs");

            var jobId = await page.Locator(".job-id").First.GetAttributeAsync("title");
            var csvLink = page.Locator($"#job-csv-{jobId}");
            Assert.DoesNotContain(fixture.AdminKey, await csvLink.GetAttributeAsync("href") ?? "");
            var download = await page.RunAndWaitForDownloadAsync(() => csvLink.ClickAsync());
            var csv = await File.ReadAllLinesAsync(await download.PathAsync(), Cancellation);
            Assert.Equal("index,status,label,score,error,input", csv[0]);
            Assert.Equal(Items, csv.Skip(1).Count(line => line.Contains(marker, StringComparison.Ordinal) && line.Contains(",succeeded,", StringComparison.Ordinal)));

            var ndjson = await page.RunAndWaitForDownloadAsync(() => page.Locator($"#job-ndjson-{jobId}").ClickAsync());
            Assert.Equal(Items, (await File.ReadAllLinesAsync(await ndjson.PathAsync(), Cancellation)).Length);
        });
    }
}
