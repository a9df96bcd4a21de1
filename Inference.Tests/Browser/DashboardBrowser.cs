using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>Opens console pages in a browser as a signed-in user.</summary>
public static class DashboardBrowser
{
    private static readonly TimeSpan InteractiveTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Opens <paramref name="path"/> in a new page signed in with <paramref name="key"/>, and returns once the Blazor page is
    /// interactive (clicks sent before the circuit connects are lost). Placeholder until sign-in exists: today the dashboard
    /// holds its own key, so this only navigates; the sign-in branch's version signs in through /signin first.
    /// </summary>
    public static async Task<IPage> OpenSignedInAsync(IBrowser browser, Uri dashboard, string key, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(dashboard, path).ToString());
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = (float)InteractiveTimeout.TotalMilliseconds });
        return page;
    }
}
