using System.Net.Http.Json;
using System.Text.Json;
using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>The models and traffic pages in a real browser, checked against what the API then does.</summary>
[Collection(ConsoleModelCollection.Name)]
public sealed class ModelsAndTrafficPageTests(AppHostFixture fixture)
{
    private const string Model = ReferenceModelRoot.ConsoleModel;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ModelsPageUnloadsAndLoadsAModelAfterConfirmation()
    {
        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync("/models", async page =>
        {
            var state = page.Locator($"#state-{Model}");
            await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "READY");

            // Cancelling the confirmation changes nothing.
            await page.ClickAsync($"#unload-{Model}");
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "READY");

            await page.ClickAsync($"#unload-{Model}");
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Unload" }).ClickAsync();
            await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "UNAVAILABLE", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator($"#versions-{Model}")).ToContainTextAsync("v2 UNAVAILABLE");
            Assert.Equal("UNAVAILABLE", await ApiStateAsync());

            await page.ClickAsync($"#load-{Model}");
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Load" }).ClickAsync();
            await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "READY", new() { Timeout = 60_000 });
            Assert.Equal("READY", await ApiStateAsync());

            await page.ClickAsync($"#details-{Model}");
            await Assertions.Expect(page.Locator("#model-statistics tbody tr")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
            // The test repository holds dozens of models: the window's worth shows the page.
            await page.Locator("#model-details").ScrollIntoViewIfNeededAsync();
            await ChromiumSession.ScreenshotAsync(page, "console-models", fullPage: false);
        });
    }

    [Fact]
    public async Task ModelsPageUploadsANewVersionThatServesAndShowsTheApisReasonForOneThatDoesNot()
    {
        const string uploadModel = ReferenceModelRoot.ConsoleUploadModel;
        var folder = ReferenceModelRoot.SentimentVersionFolder;
        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync("/models", async page =>
        {
            await Assertions.Expect(page.Locator(".models-page[data-interactive='true']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await ChromiumSession.ChooseAsync(page, "#upload-model", uploadModel);
            await Assertions.Expect(page.Locator("#upload-model")).ToHaveAttributeAsync("data-value", uploadModel);

            // The ONNX file without its vocabulary does not load: the API's reason is shown and nothing is added.
            await ChooseFilesAsync(page, "#upload-onnx", Path.Combine(folder, "model.onnx"));
            await page.ClickAsync("#upload-version");
            await Assertions.Expect(page.Locator("#upload-error[role='alert']")).ToContainTextAsync("does not load", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator($"#versions-{uploadModel}")).Not.ToContainTextAsync("v2");

            await ChooseFilesAsync(page, "#upload-files", Path.Combine(folder, "vocab.txt"), Path.Combine(folder, "config.json"));
            await page.ClickAsync("#upload-version");
            await Assertions.Expect(page.Locator("#models-notice")).ToContainTextAsync($"{uploadModel} v2 is uploaded", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator($"#versions-{uploadModel}")).ToContainTextAsync("v2 READY");
            await Assertions.Expect(page.Locator("#upload-error")).ToHaveCountAsync(0);
        });

        var served = await PredictionCalls.PredictTextAsync(fixture.Api, new { text = "Uploaded from the console", model = uploadModel, version = 2 });
        Assert.Equal(2, served.VersionHeader);
    }

    /// <summary>Picks files in an InputFile once its script is listening (it numbers the files it reads).</summary>
    private static async Task ChooseFilesAsync(IPage page, string input, params string[] files)
    {
        await page.WaitForFunctionAsync($"() => document.querySelector(\"{input}\")?._blazorInputFileNextFileId !== undefined",
            null, new() { Timeout = 30_000 });
        await page.SetInputFilesAsync(input, files);
    }

    [Fact]
    public async Task TrafficPageSavesASplitThatTheApiServesAndAudits()
    {
        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        try
        {
            await browser.RunAsync($"/traffic?model={Model}", async page =>
            {
                // Weights that don't add up to 100 can't be saved.
                await FillWeightAsync(page, 1, "50");
                await FillWeightAsync(page, 2, "20");
                await Assertions.Expect(page.Locator("#split-problem[role='alert']")).ToContainTextAsync("add up to 70%");
                await Assertions.Expect(page.Locator("#save-split")).ToBeDisabledAsync();

                await FillWeightAsync(page, 1, "70");
                await FillWeightAsync(page, 2, "30");
                await Assertions.Expect(page.Locator("#split-preview-text")).ToContainTextAsync("~700 to v1, ~300 to v2");
                await page.ClickAsync("#save-split");

                await Assertions.Expect(page.Locator("#current-split")).ToHaveTextAsync("v1 70% · v2 30%", new() { Timeout = 30_000 });
                await Assertions.Expect(page.Locator("#traffic-audit .audit-after").First).ToHaveTextAsync("v1 70% · v2 30%");
                await ChromiumSession.ScreenshotAsync(page, "console-traffic");
            });

            using var split = await fixture.AdminApi.GetFromJsonAsync<JsonDocument>($"/api/admin/models/{Model}/traffic", Cancellation);
            var weights = split!.RootElement.GetProperty("weights");
            Assert.Equal(70, weights.GetProperty("1").GetDouble());
            Assert.Equal(30, weights.GetProperty("2").GetDouble());
        }
        finally
        {
            await fixture.AdminApi.DeleteAsync($"/api/admin/models/{Model}/traffic", Cancellation);
        }
    }

    private static async Task FillWeightAsync(IPage page, int version, string percent)
    {
        await page.FillAsync($"#weight-{version}", percent);
        await page.PressAsync($"#weight-{version}", "Tab");
    }

    private async Task<string> ApiStateAsync()
    {
        using var model = await fixture.AdminApi.GetFromJsonAsync<JsonDocument>($"/api/models/{Model}", Cancellation);
        return model!.RootElement.GetProperty("status").GetString()!;
    }
}
