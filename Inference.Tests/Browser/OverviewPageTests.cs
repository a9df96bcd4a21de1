using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>The console's overview on the shared AppHost: health, models and live serving figures.</summary>
public sealed class OverviewPageTests(AppHostFixture fixture)
{
    [Fact]
    public async Task OverviewShowsHealthModelsAndFiguresThatKeepRefreshing()
    {
        await using var browser = await DashboardBrowser.LaunchAsync();
        var signIn = await DashboardBrowser.OpenAnonymousAsync(browser.Browser, fixture.DashboardUrl, "/signin");
        await DashboardBrowser.SaveDocumentationScreenshotAsync(signIn, "console-signin");

        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/");
        await DashboardBrowser.RunAsync(page, async page =>
        {
            await Assertions.Expect(page.Locator("#health-postgres")).ToHaveAttributeAsync("data-status", "Healthy", new() { Timeout = 15_000 });
            await Assertions.Expect(page.Locator("#health-redis")).ToHaveAttributeAsync("data-status", "Healthy");
            // Some of the shared AppHost's test models are broken on purpose, which makes the API degraded, not down.
            await Assertions.Expect(page.Locator("#health-api")).ToHaveAttributeAsync("data-status", new System.Text.RegularExpressions.Regex("^(Healthy|Degraded)$"));
            await Assertions.Expect(page.Locator("#models-by-state [data-state='READY']")).ToBeVisibleAsync();
            var updated = await page.Locator("#overview-updated").InnerTextAsync();

            // Predictions of our own, each a new text so that none is a cache hit.
            for (var i = 0; i < 10; i++)
            {
                await PredictionCalls.PredictTextAsync(fixture.Api, new { text = $"Overview test {Guid.NewGuid():N}: a fine, moving film." });
            }

            // The page refreshes by itself: the time changes and the last minute shows predictions and latencies.
            await Assertions.Expect(page.Locator("#overview-updated")).Not.ToHaveTextAsync(updated, new() { Timeout = 15_000 });
            await Assertions.Expect(page.Locator("#figure-predictions-per-second")).Not.ToHaveTextAsync("0.00", new() { Timeout = 15_000 });
            await Assertions.Expect(page.Locator("#figure-p95")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+(\.\d)? ms$"));
            await Assertions.Expect(page.Locator("#chart-predictions svg path").First).ToBeAttachedAsync();
            await Assertions.Expect(page.Locator("#overview-error")).ToHaveCountAsync(0);
            await DashboardBrowser.SaveDocumentationScreenshotAsync(page, "console-overview");
        });
    }
}
