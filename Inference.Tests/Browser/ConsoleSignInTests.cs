using System.Net;
using Aspire.Hosting.ApplicationModel;
using Inference.Tests.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>Signing in to the admin console on the shared AppHost (keys not required: open mode).</summary>
public sealed class ConsoleSignInTests(AppHostFixture fixture)
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/keys", "/keys")]
    [InlineData("/predict?tab=image", "/predict?tab=image")]
    // A missing page is answered by the not-found page, which needs a signed-in user too.
    [InlineData("/no-such-page", "/not-found")]
    public async Task AnonymousRequestsForAnyPageAreSentToSignIn(string path, string returnUrl)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.DashboardUrl };

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
        Assert.Equal($"?returnUrl={Uri.EscapeDataString(returnUrl)}", response.Headers.Location.Query);
    }

    [Fact]
    public async Task SignInPageIsAPlainFormWithAPasswordFieldAndAntiforgeryToken()
    {
        using var client = new HttpClient { BaseAddress = fixture.DashboardUrl };

        var html = await client.GetStringAsync("/signin", TestContext.Current.CancellationToken);

        Assert.Contains("type=\"password\"", html);
        Assert.Contains("name=\"__RequestVerificationToken\"", html);
        // Statically rendered: no interactive component markers, so it works before (and without) the circuit.
        Assert.DoesNotContain("<!--Blazor:{\"type\":\"server\"", html);
    }

    [Fact]
    public async Task SignInWithoutAnAntiforgeryTokenIsRefused()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.DashboardUrl };

        using var response = await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["Input.Key"] = fixture.AdminKey,
        }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task AdminKeySignsInToTheOverviewWithAnEncryptedHttpOnlyStrictCookieAndNoKeyInThePage()
    {
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/");
        await DashboardBrowser.RunAsync(page, async page =>
        {
            Assert.Equal("/", new Uri(page.Url).AbsolutePath);
            await Assertions.Expect(page.Locator("#signed-in-as")).ToContainTextAsync("bootstrap");
            // The shared AppHost's API does not require keys: the console says what that exposes.
            await Assertions.Expect(page.Locator("#open-mode-banner")).ToContainTextAsync("Open mode");

            var cookie = Assert.Single(await page.Context.CookiesAsync(), cookie => cookie.Name == "inference-console");
            Assert.True(cookie.HttpOnly);
            Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
            Assert.DoesNotContain(fixture.AdminKey, cookie.Value);
            Assert.DoesNotContain(fixture.AdminKey, await page.ContentAsync());
            Assert.DoesNotContain(fixture.AdminKey, page.Url);
        });
    }

    [Fact]
    public async Task BadKeyIsRefusedWith401AndNotEchoedBack()
    {
        const string badKey = "inf_AAAAAAAA_notarealkeynotarealkeynotarealkeynotarea";
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenAnonymousAsync(browser.Browser, fixture.DashboardUrl, "/signin");
        await DashboardBrowser.RunAsync(page, async page =>
        {
            await page.FillAsync("#api-key", badKey);
            var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#sign-in"), DashboardBrowser.IsSignInPost);

            Assert.Equal((int)HttpStatusCode.Unauthorized, response.Status);
            await Assertions.Expect(page.Locator("#signin-error[role='alert']")).ToContainTextAsync("not valid");
            Assert.DoesNotContain(badKey, await page.ContentAsync());
            Assert.DoesNotContain(await page.Context.CookiesAsync(), cookie => cookie.Name == "inference-console");
        });
    }

    [Fact]
    public async Task SignOutEndsTheSession()
    {
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/keys");
        await DashboardBrowser.RunAsync(page, async page =>
        {
            await page.ClickAsync("#sign-out");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin");
            Assert.DoesNotContain(await page.Context.CookiesAsync(), cookie => cookie.Name == "inference-console");

            await page.GotoAsync(new Uri(fixture.DashboardUrl, "/keys").ToString());
            Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
        });
    }

    [Fact]
    public async Task DashboardProcessEnvironmentHoldsNoKey()
    {
        var resource = Assert.Single(fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>(),
            project => project.Name == AppHostFixtureBase.DashboardResource);
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(resource.Name, out var state), "The console has no state.");

        // What the AppHost hands the process, and what the running process actually has.
        var given = state.Snapshot.EnvironmentVariables.Select(variable => (variable.Name, variable.Value ?? "")).ToList();
        Assert.NotEmpty(given);
        var pid = state.Snapshot.Properties.FirstOrDefault(property => property.Name.EndsWith(".pid", StringComparison.Ordinal))?.Value;
        Assert.True(pid is not null, $"No process id among {string.Join(", ", state.Snapshot.Properties.Select(property => property.Name))}");
        var running = (await File.ReadAllTextAsync($"/proc/{pid}/environ", TestContext.Current.CancellationToken))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Select(parts => (Name: parts[0], Value: parts.Length > 1 ? parts[1] : ""))
            .ToList();
        Assert.Contains(running, variable => variable.Name == "OTEL_SERVICE_NAME" && variable.Value == AppHostFixtureBase.DashboardResource);

        foreach (var (name, value) in given.Concat(running))
        {
            Assert.DoesNotContain(fixture.AdminKey, value);
            Assert.DoesNotContain("ApiKey", name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AdminKey", name, StringComparison.OrdinalIgnoreCase);
        }
    }
}
