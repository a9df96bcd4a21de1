using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright, for the admin-console tests: launching it, signing in through the
/// console's form, and evidence (a screenshot and the page's HTML) when a step fails.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The layout's marker, "true" once the Blazor circuit has rendered: clicks before that would be lost.</summary>
    public const string InteractiveShell = "#console[data-interactive='true']";

    private static readonly TimeSpan InteractiveTimeout = TimeSpan.FromSeconds(30);

    private readonly IPlaywright _playwright;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<DashboardBrowser> LaunchAsync()
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
        return new DashboardBrowser(playwright, browser);
    }

    /// <summary>A page in a browser context of its own (its own cookies), on <paramref name="path"/>, not signed in.</summary>
    public static async Task<IPage> OpenAnonymousAsync(IBrowser browser, Uri dashboard, string path, BrowserNewContextOptions? options = null)
    {
        var context = await browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(dashboard, path).ToString());
        return page;
    }

    /// <summary>
    /// Signs in with <paramref name="key"/> through the console's form, in a browser context of its own, and returns the page
    /// once <paramref name="path"/> (which may carry a query) is shown and interactive. Fails with the form's message when
    /// the sign-in is refused.
    /// </summary>
    public static async Task<IPage> OpenSignedInAsync(IBrowser browser, Uri dashboard, string key, string path)
    {
        var page = await OpenAnonymousAsync(browser, dashboard, $"/signin?returnUrl={Uri.EscapeDataString(path)}");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#sign-in");

        var error = page.Locator("#signin-error");
        await page.Locator(InteractiveShell).Or(error).First.WaitForAsync(new() { Timeout = (float)InteractiveTimeout.TotalMilliseconds });
        if (await error.IsVisibleAsync())
        {
            throw new Xunit.Sdk.XunitException($"Signing in to {path} was refused: {await error.InnerTextAsync()}");
        }
        return page;
    }

    /// <summary>The sign-in form's post, whose status says how the sign-in went (302 in, 401 bad key, 429 throttled).</summary>
    public static bool IsSignInPost(IResponse response) =>
        response.Request.Method == "POST" && new Uri(response.Url).AbsolutePath == "/signin";

    /// <summary>Goes to <paramref name="path"/> in the same session and waits until the page is interactive again.</summary>
    public static async Task<IResponse?> GoToAsync(IPage page, Uri dashboard, string path)
    {
        var response = await page.GotoAsync(new Uri(dashboard, path).ToString());
        await page.Locator(InteractiveShell).WaitForAsync(new() { Timeout = (float)InteractiveTimeout.TotalMilliseconds });
        return response;
    }

    /// <summary>Runs a test's steps; on failure saves a screenshot and adds it and the page's HTML to the message.</summary>
    public static async Task RunAsync(IPage page, Func<IPage, Task> steps)
    {
        try
        {
            await steps(page);
        }
        catch (Exception exception) when (exception is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            var screenshot = Path.Combine(Path.GetTempPath(), $"dashboard-failure-{Guid.NewGuid():N}.png");
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            throw new Xunit.Sdk.XunitException($"{exception.Message}\nScreenshot: {screenshot}\nURL: {page.Url}\nPage: {await page.ContentAsync()}");
        }
    }

    /// <summary>
    /// With <c>UPDATE_SCREENSHOTS=1</c>, saves the page as <c>docs/images/&lt;name&gt;.png</c> for the README; otherwise does
    /// nothing, so ordinary runs leave the working tree alone.
    /// </summary>
    public static async Task SaveDocumentationScreenshotAsync(IPage page, string name)
    {
        if (!UpdatesScreenshots)
        {
            return;
        }
        await page.SetViewportSizeAsync(1280, 800);
        await page.ScreenshotAsync(new() { Path = DocumentationScreenshotPath(name), FullPage = true });
    }

    /// <summary>Whether this run refreshes the README's screenshots (<c>UPDATE_SCREENSHOTS=1</c>).</summary>
    public static bool UpdatesScreenshots => Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1";

    public static string DocumentationScreenshotPath(string name) => Path.Combine(TestPaths.RepositoryRoot, "docs", "images", $"{name}.png");

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
