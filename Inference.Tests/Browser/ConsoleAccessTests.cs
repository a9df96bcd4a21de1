using System.Net;
using System.Net.Http.Json;
using Inference.Tests.EndToEnd;
using Microsoft.Playwright;
using StackExchange.Redis;

namespace Inference.Tests.Browser;

/// <summary>The admin console where the API requires keys, as in production: scopes, key management and the sign-in throttle.</summary>
[Collection(SecuredConsoleCollection.Name)]
public sealed class ConsoleAccessTests(SecuredConsoleFixture fixture)
{
    [Fact]
    public async Task InferKeySeesNoAdminPagesButPredictsThroughTheCircuit()
    {
        var infer = await ApiKeyClient.CreateAsync(fixture.AdminApi, "console infer", "infer");
        await using var browser = await DashboardBrowser.LaunchAsync();

        // "/" is the admin overview, so an infer key starts on Predict.
        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, infer.Key, "/");
        await DashboardBrowser.RunAsync(page, async page =>
        {
            Assert.Equal("/predict", new Uri(page.Url).AbsolutePath);
            var navigation = page.Locator(".mud-navmenu");
            await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Predict" })).ToBeVisibleAsync();
            await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Keys" })).ToHaveCountAsync(0);
            await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Overview" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#open-mode-banner")).ToHaveCountAsync(0);

            // Keys are required here, so the model list and the answer prove the circuit sends the signed-in key.
            await page.FillAsync("#text-input", "A dreadful, boring film. I hated every minute of it.");
            await page.ClickAsync("#classify-text");
            await Assertions.Expect(page.Locator("#text-result-label")).ToHaveTextAsync("negative", new() { Timeout = 30_000 });

            foreach (var adminPage in new[] { "/keys", "/" })
            {
                await DashboardBrowser.GoToAsync(page, fixture.DashboardUrl, adminPage);
                Assert.Equal("/forbidden", new Uri(page.Url).AbsolutePath);
                await Assertions.Expect(page.Locator("#admin-key-required")).ToContainTextAsync("admin");
                await Assertions.Expect(page.Locator("#keys-table")).ToHaveCountAsync(0);
            }
        });
    }

    [Fact]
    public async Task KeyCreatedInTheConsoleWorksUntilItIsRevokedThere()
    {
        var name = $"console-{Guid.NewGuid():N}"[..20];
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/keys");
        await DashboardBrowser.RunAsync(page, async page =>
        {
            await page.FillAsync("#key-name", name);
            await page.ClickAsync("#create-key");
            var created = page.Locator("#new-key");
            await Assertions.Expect(created).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^inf_"), new() { Timeout = 15_000 });
            var key = await created.InputValueAsync();
            var row = page.Locator("#keys-table tr", new() { Has = page.Locator($"[data-key-name='{name}']") });
            await Assertions.Expect(row.Locator(".key-status")).ToHaveTextAsync("active");
            await DashboardBrowser.SaveDocumentationScreenshotAsync(page, "console-keys");

            // The key works at once, with the scope the form chose (infer by default).
            using var client = fixture.ClientWithKey(key);
            var caller = await client.GetFromJsonAsync<CallerDto>("/api/me", TestContext.Current.CancellationToken);
            Assert.Equal((name, true), (caller!.Name, caller.KeysRequired));
            Assert.Equal(["infer"], caller.Scopes);

            // Done hides the key for good.
            await page.ClickAsync("#new-key-done");
            await Assertions.Expect(page.Locator("#new-key")).ToHaveCountAsync(0);
            Assert.DoesNotContain(key, await page.ContentAsync());

            await row.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" }).ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
            await Assertions.Expect(row.Locator(".key-status")).ToHaveTextAsync("revoked", new() { Timeout = 15_000 });

            using var revoked = await client.GetAsync("/api/me", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        });
    }

    [Fact]
    public async Task RepeatedFailedSignInsAreThrottledWith429UntilTheWindowEnds()
    {
        const string badKey = "inf_BBBBBBBB_notarealkeynotarealkeynotarealkeynotarea";
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenAnonymousAsync(browser.Browser, fixture.DashboardUrl, "/signin");
        await DashboardBrowser.RunAsync(page, async page =>
        {
            // Other tests of this collection may have spent some of this window's failures: the limit is reached by the
            // (limit + 1)th attempt at the latest, and every attempt before it is an ordinary refusal.
            var statuses = new List<int>();
            for (var attempt = 1; attempt <= SecuredConsoleFixture.SignInFailuresPerWindow + 1 && !statuses.Contains(429); attempt++)
            {
                statuses.Add(await SubmitAsync(page, badKey));
            }
            Assert.Equal(429, statuses[^1]);
            Assert.All(statuses[..^1], status => Assert.Equal(401, status));
            await Assertions.Expect(page.Locator("#signin-error[role='alert']")).ToContainTextAsync("Too many failed sign-ins");

            // While throttled even the right key is refused, so guessing gains nothing.
            Assert.Equal(429, await SubmitAsync(page, fixture.AdminKey));

            // The window ends, and the right key signs in again.
            await Eventually.PollAsync(_ => SubmitAsync(page, fixture.AdminKey), status => status == 302,
                SecuredConsoleFixture.SignInWindow + TimeSpan.FromSeconds(15), status => $"sign-in still answers {status}",
                TestContext.Current.CancellationToken, TimeSpan.FromSeconds(2));
        });
    }

    [Fact]
    public async Task SignInCookiesAreProtectedByAKeyRingSealedInRedis()
    {
        await using var browser = await DashboardBrowser.LaunchAsync();
        await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/keys");

        // Every console replica, and the console after a restart, reads this ring, so the cookie it issued stays readable.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.GetConnectionStringAsync(SecuredApiFixture.RedisResource));
        var ring = await redis.GetDatabase().ListRangeAsync("inference-console:data-protection-keys");
        Assert.Contains(ring, entry => entry.ToString().Contains("<key ", StringComparison.Ordinal));
        // Sealed at rest: whoever reads Redis finds no master key to forge or read cookies with.
        Assert.All(ring, entry =>
        {
            Assert.DoesNotContain("<masterKey", entry.ToString(), StringComparison.Ordinal);
            Assert.Contains("<sealedKey algorithm=\"AES-256-GCM\"", entry.ToString(), StringComparison.Ordinal);
        });
    }

    /// <summary>Submits the sign-in form with <paramref name="key"/>; the status of the form post (302 when signed in).</summary>
    private async Task<int> SubmitAsync(IPage page, string key)
    {
        if (new Uri(page.Url).AbsolutePath != "/signin")
        {
            await page.GotoAsync(new Uri(fixture.DashboardUrl, "/signin").ToString());
        }
        await page.FillAsync("#api-key", key);
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#sign-in"), DashboardBrowser.IsSignInPost);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return response.Status;
    }

    private sealed record CallerDto(bool KeysRequired, bool Anonymous, string? KeyId, string? Name, string[] Scopes);
}
