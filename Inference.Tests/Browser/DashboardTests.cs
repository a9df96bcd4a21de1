using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>The admin UI in a real browser (Debian's Chromium), against the running API.</summary>
public sealed class DashboardTests(AppHostFixture fixture)
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task PredictPageClassifiesTextInTheBrowser()
    {
        // Other text models are served beside it (the Hugging Face test models): the link names the one to use.
        await using var session = await BrowserSession.OpenAsync(fixture.DashboardUrl, "/predict?model=sentiment");
        await session.RunAsync(async page =>
        {
            await page.FillAsync("#text-input", "What a wonderful film, the acting was superb and I loved the ending.");
            await page.ClickAsync("#classify-text");

            await Assertions.Expect(page.Locator("#text-result-label")).ToHaveTextAsync("positive", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#prediction-bars .prediction-bar")).ToHaveCountAsync(2);
        });
    }

    [Fact]
    public async Task PredictPageClassifiesAnUploadedImage()
    {
        await using var session = await BrowserSession.OpenAsync(fixture.DashboardUrl, "/predict?tab=image");
        await session.RunAsync(async page =>
        {
            var image = Path.Combine(TestPaths.ProjectModels, "digits", "samples", "3.png");
            // InputFile listens for picks only once its script has initialised the element (it numbers the files it reads).
            await page.WaitForFunctionAsync("() => document.getElementById('image-input')?._blazorInputFileNextFileId !== undefined",
                null, new() { Timeout = 30_000 });
            // On a loaded machine the upload component's script can attach after the page reports interactive and miss
            // the first pick; a person would pick again, and so does the test (the answer must still come each time).
            for (var attempt = 1; ; attempt++)
            {
                await page.SetInputFilesAsync("#image-input", image);
                try
                {
                    await Assertions.Expect(page.Locator("#image-result-label")).ToHaveTextAsync("3", new() { Timeout = 20_000 });
                    break;
                }
                catch (Exception exception) when (attempt < 3 && exception is PlaywrightException or TimeoutException)
                {
                }
            }
            await Assertions.Expect(page.Locator("#prediction-bars .prediction-bar")).ToHaveCountAsync(5);
        });
    }

    private sealed class BrowserSession : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;

        private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page)
        {
            _playwright = playwright;
            _browser = browser;
            Page = page;
        }

        public IPage Page { get; }

        /// <summary>Runs the test's steps; on failure saves a screenshot and the page's HTML beside the message.</summary>
        public async Task RunAsync(Func<IPage, Task> steps)
        {
            try
            {
                await steps(Page);
            }
            catch (Exception exception) when (exception is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
            {
                var screenshot = Path.Combine(Path.GetTempPath(), $"dashboard-failure-{Guid.NewGuid():N}.png");
                await Page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
                throw new Xunit.Sdk.XunitException($"{exception.Message}\nScreenshot: {screenshot}\nPage: {await Page.ContentAsync()}");
            }
        }

        public static async Task<BrowserSession> OpenAsync(Uri dashboard, string path = "/")
        {
            Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (.ci/run does).");
            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync"],
            });
            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(dashboard, path).ToString());
            // Clicks sent before the Blazor circuit connects are lost: wait until the page says it is interactive.
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
            return new BrowserSession(playwright, browser, page);
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}
