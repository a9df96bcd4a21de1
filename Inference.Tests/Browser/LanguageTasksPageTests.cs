using System.Globalization;
using System.Text.Json;
using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>
/// The predict page's views of the drop-in Hugging Face models in a real browser: a multi-label model's labels over the
/// threshold, and the Language tab's zero-shot (with candidate labels), embedding and tokenize views.
/// </summary>
[Collection(ConsoleModelCollection.Name)]
public sealed class LanguageTasksPageTests(AppHostFixture fixture)
{
    private static readonly JsonElement Expected = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(ReferenceModelRoot.HuggingFaceModels, "expected-outputs.json"))).RootElement;

    [Fact]
    public async Task MultiLabelModelShowsEveryLabelOverTheThreshold()
    {
        var reference = Expected.GetProperty(ReferenceModelRoot.HfMultiLabel)[4];
        string[] topics = ["sports", "politics", "science", "arts"];
        var expected = topics.Where((_, i) => reference.GetProperty("scores")[i].GetSingle() >= 0.5f).Order().ToArray();

        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync($"/predict?model={ReferenceModelRoot.HfMultiLabel}", async page =>
        {
            await Assertions.Expect(page.Locator("#model-select-text")).ToHaveAttributeAsync("data-value", ReferenceModelRoot.HfMultiLabel);
            await page.FillAsync("#text-input", reference.GetProperty("text").GetString()!);
            await page.ClickAsync("#classify-text");

            await Assertions.Expect(page.Locator("#text-result-labels")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var shown = await page.Locator("#text-result-labels .multi-label").EvaluateAllAsync<string[]>("chips => chips.map(chip => chip.dataset.label)");
            Assert.Equal(expected, shown.Order().ToArray());
            await Assertions.Expect(page.Locator("#prediction-bars .prediction-bar")).ToHaveCountAsync(topics.Length);
        });
    }

    [Fact]
    public async Task LanguageTabRunsZeroShotEmbeddingAndTokenize()
    {
        var question = Expected.GetProperty(ReferenceModelRoot.HfNli)[0];
        var labels = question.GetProperty("candidateLabels").EnumerateArray().Select(label => label.GetString()!).ToArray();
        var scores = question.GetProperty("scores").EnumerateArray().Select(score => score.GetSingle()).ToArray();
        var best = labels[Array.IndexOf(scores, scores.Max())];
        var tokenized = SharedTokenizers.Expected.Families["bert"].Single(c => c.Name == "plain");

        await using var browser = await ChromiumSession.StartAsync(fixture.DashboardUrl, fixture.AdminKey);
        await browser.RunAsync($"/predict?tab=language&model={ReferenceModelRoot.HfNli}", async page =>
        {
            // Zero-shot: the NLI model's first task, with the candidate labels typed in.
            await Assertions.Expect(page.Locator("#task-select-language")).ToHaveAttributeAsync("data-value", "Zero-shot");
            await page.FillAsync("#language-text", question.GetProperty("text").GetString()!);
            await page.FillAsync("#candidate-labels", string.Join(", ", labels));
            await page.ClickAsync("#run-language");
            var bars = page.Locator("#zero-shot-result .zero-shot-bar");
            await Assertions.Expect(bars).ToHaveCountAsync(labels.Length, new() { Timeout = 30_000 });
            await Assertions.Expect(bars.First).ToHaveAttributeAsync("data-label", best);
            var shownScore = float.Parse((await bars.First.GetAttributeAsync("data-score"))!, CultureInfo.InvariantCulture);
            Assert.InRange(shownScore, scores.Max() - 1e-4f, scores.Max() + 1e-4f);

            // Tokenize: the ids Hugging Face gives.
            await ChromiumSession.ChooseAsync(page, "#task-select-language", "Tokenize");
            await page.FillAsync("#language-text", tokenized.Text);
            await page.ClickAsync("#run-language");
            await Assertions.Expect(page.Locator("#token-count")).ToHaveTextAsync(tokenized.InputIds.Length.ToString(CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
            var ids = await page.Locator("#tokens-result .token").EvaluateAllAsync<string[]>("chips => chips.map(chip => chip.dataset.id)");
            Assert.Equal(tokenized.InputIds, ids.Select(id => long.Parse(id, CultureInfo.InvariantCulture)));

            // Embedding: an encoder's first task.
            await ChromiumSession.ChooseAsync(page, "#model-select-language", ReferenceModelRoot.HfEncoder);
            await Assertions.Expect(page.Locator("#task-select-language")).ToHaveAttributeAsync("data-value", "Embedding");
            await page.FillAsync("#language-text", "Hello world");
            await page.ClickAsync("#run-language");
            await Assertions.Expect(page.Locator("#embedding-dimensions")).ToHaveTextAsync("8", new() { Timeout = 30_000 });
            await ChromiumSession.ScreenshotAsync(page, "console-language");
        });
    }
}
