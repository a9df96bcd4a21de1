using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>
/// The console calls the API for many people from one address. It names each browser's address to the API
/// (<c>X-Forwarded-For</c>), so the API's failed-key budget is each person's: people who mistype their keys do not lock
/// everyone else out of the console. Browsers are told apart by the address they claim, which the console trusts from
/// loopback as it would from its reverse proxy.
/// </summary>
[Collection(SecuredConsoleCollection.Name)]
public sealed class ConsoleForwardingTests(SecuredConsoleFixture fixture)
{
    private const string BadKey = "inf_CCCCCCCC_notarealkeynotarealkeynotarealkeynotarea";

    [Fact]
    public async Task FailedSignInsOfSomeBrowsersLeaveOtherBrowsersAbleToSignIn()
    {
        await using var browser = await DashboardBrowser.LaunchAsync();
        // Together they send the API more invalid keys than it takes from one address; each alone sends fewer.
        foreach (var guesser in new[] { "198.51.100.21", "198.51.100.22", "198.51.100.23", "198.51.100.24" })
        {
            var page = await OpenAsAsync(browser, guesser, "/signin");
            await DashboardBrowser.RunAsync(page, async page =>
            {
                for (var attempt = 0; attempt < SecuredConsoleFixture.SignInFailuresPerWindow; attempt++)
                {
                    Assert.Equal(401, await SubmitAsync(page, BadKey));
                }
            });
        }

        var neighbour = await OpenAsAsync(browser, "198.51.100.25", "/signin");
        await DashboardBrowser.RunAsync(neighbour, async page =>
        {
            Assert.Equal(302, await SubmitAsync(page, fixture.AdminKey));
            await page.Locator(DashboardBrowser.InteractiveShell).WaitForAsync();
        });
    }

    private Task<IPage> OpenAsAsync(DashboardBrowser browser, string address, string path) =>
        DashboardBrowser.OpenAnonymousAsync(browser.Browser, fixture.DashboardUrl, path,
            new BrowserNewContextOptions { ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Forwarded-For"] = address } });

    /// <summary>Submits the sign-in form with <paramref name="key"/>; the status of the form post (302 when signed in).</summary>
    private static async Task<int> SubmitAsync(IPage page, string key)
    {
        await page.FillAsync("#api-key", key);
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#sign-in"), DashboardBrowser.IsSignInPost);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return response.Status;
    }
}
