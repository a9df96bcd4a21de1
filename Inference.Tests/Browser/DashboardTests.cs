using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>The Predict page in a real browser (Debian's Chromium), signed in with the admin key, against the running API.</summary>
public sealed class DashboardTests(AppHostFixture fixture)
{
    [Fact]
    public async Task PredictPageClassifiesTextInTheBrowser()
    {
        // Other text models are served beside it (the Hugging Face test models): the link names the one to use.
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/predict?model=sentiment");
        await DashboardBrowser.RunAsync(page, async page =>
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
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/predict?tab=image");
        await DashboardBrowser.RunAsync(page, async page =>
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
}
