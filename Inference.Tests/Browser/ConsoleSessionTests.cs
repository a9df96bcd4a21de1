using System.Net;
using System.Text.RegularExpressions;
using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>How long a console session lasts: through a restart of the console, and no longer than the API accepts its key.</summary>
[Collection(SecuredConsoleCollection.Name)]
public sealed partial class ConsoleSessionTests(SecuredConsoleFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RevokedKeysSessionEndsAtTheNextPageRequestAndInAnOpenPageWithTheReasonOnSignIn()
    {
        var key = await ApiKeyClient.CreateAsync(fixture.AdminApi, "console session", "infer");
        await using var browser = await DashboardBrowser.LaunchAsync();
        // Two sign-ins with the key, each with a cookie of its own: one page stays open, the other asks for a new page.
        var open = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, key.Key, "/predict");
        var signedIn = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, key.Key, "/predict");
        // Closed, so that no circuit of its own finds out first: its cookie alone meets the revocation.
        var navigatingContext = signedIn.Context;
        await signedIn.CloseAsync();

        using var revoked = await fixture.AdminApi.DeleteAsync($"/api/admin/keys/{key.Id}", Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        // The console may trust its last word from the API for this long; the next page after it must not open.
        await Task.Delay(SecuredConsoleFixture.KeyRecheckInterval, Cancellation);
        await DashboardBrowser.RunAsync(await navigatingContext.NewPageAsync(), async page =>
        {
            await page.GotoAsync(new Uri(fixture.DashboardUrl, "/jobs").ToString());
            await Assertions.Expect(page).ToHaveURLAsync(SignInPage());
            await Assertions.Expect(page.Locator("#signin-ended[role='alert']")).ToContainTextAsync("revoked or expired");
            Assert.DoesNotContain(await page.Context.CookiesAsync(), cookie => cookie.Name == "inference-console");
        });
        await DashboardBrowser.RunAsync(open, async page =>
        {
            // The open page's circuit checks the key again by itself and leaves for the sign-in page.
            await Assertions.Expect(page).ToHaveURLAsync(SignInPage(), new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#signin-ended[role='alert']")).ToBeVisibleAsync();
            Assert.DoesNotContain(await page.Context.CookiesAsync(), cookie => cookie.Name == "inference-console");
        });
    }

    [Fact]
    public async Task SignInSurvivesARestartOfTheConsole()
    {
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/keys");
        // Only the cookie goes on: the page (and its circuit) is closed, as a browser tab would be across a restart.
        var signedIn = await page.Context.StorageStateAsync();
        await page.Context.CloseAsync();

        await fixture.RestartConsoleAsync(Cancellation);

        var context = await browser.Browser.NewContextAsync(new() { StorageState = signedIn });
        var restarted = await context.NewPageAsync();
        await DashboardBrowser.RunAsync(restarted, async page =>
        {
            await DashboardBrowser.GoToAsync(page, fixture.DashboardUrl, "/keys");
            Assert.Equal("/keys", new Uri(page.Url).AbsolutePath);
            await Assertions.Expect(page.Locator("#keys-table")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        });
    }

    [GeneratedRegex(@"/signin\?")]
    private static partial Regex SignInPage();
}
