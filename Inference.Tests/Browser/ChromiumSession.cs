using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright for one test: opens signed-in pages, picks MudBlazor select options, and on a
/// failure saves a screenshot and the page's HTML beside the message. With <c>UPDATE_SCREENSHOTS=1</c>,
/// <see cref="ScreenshotAsync"/> saves the pages shown in the README to <c>docs/images/</c>.
/// </summary>
public sealed class ChromiumSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _dashboard;
    private readonly string _key;

    private ChromiumSession(IPlaywright playwright, IBrowser browser, Uri dashboard, string key)
    {
        _playwright = playwright;
        _browser = browser;
        _dashboard = dashboard;
        _key = key;
    }

    public static async Task<ChromiumSession> StartAsync(Uri dashboard, string key)
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
        return new ChromiumSession(playwright, browser, dashboard, key);
    }

    /// <summary>Opens <paramref name="path"/> signed in and runs <paramref name="steps"/> on it, capturing the page if they fail.</summary>
    public async Task RunAsync(string path, Func<IPage, Task> steps)
    {
        var page = await DashboardBrowser.OpenSignedInAsync(_browser, _dashboard, _key, path);
        await page.SetViewportSizeAsync(1400, 1000);
        try
        {
            await steps(page);
        }
        catch (Exception exception) when (exception is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            var screenshot = Path.Combine(Path.GetTempPath(), $"dashboard-failure-{Guid.NewGuid():N}.png");
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            throw new Xunit.Sdk.XunitException($"{exception.Message}\nScreenshot: {screenshot}\nPage: {await page.ContentAsync()}");
        }
    }

    /// <summary>Opens the MudSelect inside <paramref name="wrapper"/> and clicks the option whose text is <paramref name="option"/>.</summary>
    public static async Task ChooseAsync(IPage page, string wrapper, string option)
    {
        await page.Locator($"{wrapper} .mud-input-control").First.ClickAsync();
        var items = page.Locator(".mud-popover-open .mud-list-item");
        await items.Filter(new() { HasTextRegex = new Regex($@"^\s*{Regex.Escape(option)}\s*$") }).First.ClickAsync();
        await Assertions.Expect(items).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Saves the page (the whole of it, or what the window shows) as <c>docs/images/<paramref name="name"/>.png</c> when
    /// <c>UPDATE_SCREENSHOTS=1</c>; otherwise does nothing, so ordinary runs leave the working tree alone.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        if (DashboardBrowser.UpdatesScreenshots)
        {
            await page.ScreenshotAsync(new() { Path = DashboardBrowser.DocumentationScreenshotPath(name), FullPage = fullPage });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
