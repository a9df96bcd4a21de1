using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>The predict page in a real browser: long texts, the API's limit, and versions side by side.</summary>
[Collection(ConsoleModelCollection.Name)]
public sealed class PredictPageTests(AppHostFixture fixture)
{
    private const string Model = ReferenceModelRoot.ConsoleModel;

    [Fact]
    public async Task PredictPageAnswersLongTextsAndKeepsATooLongOneWithTheApisMessage()
    {
        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync("/predict", async page =>
        {
            await ChromiumSession.ChooseAsync(page, "#model-select-text", Model);
            // 15,000 characters: under the API's 20,000 limit; the sentiment copy's token limit takes them all.
            await page.FillAsync("#text-input", Words("wonderful superb film", 15_000));
            await page.ClickAsync("#classify-text");
            await Assertions.Expect(page.Locator("#text-result-label")).ToHaveTextAsync("positive", new() { Timeout = 30_000 });

            // 50,000 characters: more than a default (32 KB) circuit message carries; the API refuses it, the page says why,
            // the answer above goes, and the text stays.
            var tooLong = Words("dreadful boring film", 50_000);
            await page.FillAsync("#text-input", tooLong);
            await page.ClickAsync("#classify-text");
            var alert = page.Locator("#predict-error[role='alert']");
            await Assertions.Expect(alert).ToContainTextAsync("at most 20,000", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#text-result-label")).ToHaveCountAsync(0);
            Assert.Equal(tooLong, await page.InputValueAsync("#text-input"));
        });
    }

    [Fact]
    public async Task PredictPageComparesTwoPinnedVersionsOnTheSameText()
    {
        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync("/predict", async page =>
        {
            await ChromiumSession.ChooseAsync(page, "#model-select-text", Model);
            await ChromiumSession.ChooseAsync(page, "#version-select-text", "v1 · READY");
            await page.GetByRole(AriaRole.Tabpanel, new() { Name = "Text" }).GetByText("Compare with another version").ClickAsync();
            await ChromiumSession.ChooseAsync(page, "#compare-version-select-text", "v2 · READY");
            await page.FillAsync("#client-id-text", "browser-compare");
            await page.FillAsync("#text-input", $"A lovely, heartfelt story told with real warmth, take {Guid.NewGuid().GetHashCode()}");
            await page.ClickAsync("#classify-text");

            var results = page.Locator(".prediction-result");
            await Assertions.Expect(results).ToHaveCountAsync(2, new() { Timeout = 30_000 });
            await Assertions.Expect(results.Nth(0).Locator(".served-version")).ToHaveTextAsync($"{Model} v1");
            await Assertions.Expect(results.Nth(1).Locator(".served-version")).ToHaveTextAsync($"{Model} v2");
            // A fresh text: neither answer comes from the cache, and both show where they came from.
            await Assertions.Expect(results.Nth(0).Locator(".cache-outcome")).ToHaveTextAsync("MISS");
            // Both versions are the same network: they must agree.
            Assert.Equal(await page.Locator("#text-result-label").TextContentAsync(), await page.Locator("#text-result-label-b").TextContentAsync());
            await ChromiumSession.ScreenshotAsync(page, "console-predict");
        });
    }

    /// <summary><paramref name="words"/> repeated to exactly <paramref name="length"/> characters.</summary>
    private static string Words(string words, int length) =>
        string.Concat(Enumerable.Repeat(words + " ", length / (words.Length + 1) + 1))[..length];
}
