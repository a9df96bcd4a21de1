using System.Text.Json;
using Inference.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Inference.Tests.Browser;

/// <summary>
/// WCAG AA contrast on the rendered console, light and dark: every visible text against the background it is drawn
/// on (4.5:1; 3:1 for large text), as the browser computes the colours, so a palette or style change that breaks it fails here.
/// </summary>
public sealed class ContrastTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    // Each element with text of its own, against the first opaque background up its ancestors (text alpha blended).
    private const string LowestContrastScript = """
        () => {
          const rgba = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
          const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
          const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
          const background = el => {
            for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; }
            return { r: 255, g: 255, b: 255, a: 1 };
          };
          const results = [];
          for (const el of document.querySelectorAll('body *')) {
            if (el.closest('svg, [disabled], [aria-disabled="true"], .mud-disabled')) continue;
            const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim().length > 0);
            if (!own || el.getClientRects().length === 0) continue;
            const style = getComputedStyle(el);
            if (style.visibility !== 'visible' || Number(style.opacity) === 0) continue;
            const fg = rgba(style.color), bg = background(el);
            const blended = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a) };
            const [hi, lo] = [luminance(blended), luminance(bg)].sort((x, y) => y - x);
            const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
            const large = size >= 24 || (bold && size >= 18.66);
            results.push({ ratio: (hi + 0.05) / (lo + 0.05), minimum: large ? 3 : 4.5,
              text: el.textContent.trim().slice(0, 40), tag: el.tagName, color: style.color });
          }
          return JSON.stringify(results.sort((x, y) => (x.ratio - x.minimum) - (y.ratio - y.minimum)).slice(0, 5));
        }
        """;

    [Fact]
    public async Task EveryTextOnTheOverviewMeetsAaContrastInLightAndDarkMode()
    {
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await DashboardBrowser.OpenSignedInAsync(browser.Browser, fixture.DashboardUrl, fixture.AdminKey, "/");
        await DashboardBrowser.RunAsync(page, async page =>
        {
            await Assertions.Expect(page.Locator("#models-by-state [data-state='READY']")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await AssertContrastAsync(page, "light");

            var lightBackground = await BodyBackgroundAsync(page);
            Assert.NotEmpty(lightBackground);
            await page.GetByLabel("Toggle dark mode").ClickAsync();
            await Eventually.PollAsync(_ => BodyBackgroundAsync(page), background => background != lightBackground,
                TimeSpan.FromSeconds(10), _ => "the console did not switch to dark mode", Cancellation);
            await AssertContrastAsync(page, "dark");
        });
    }

    private static async Task AssertContrastAsync(IPage page, string mode)
    {
        var worst = JsonDocument.Parse(await page.EvaluateAsync<string>(LowestContrastScript)).RootElement;
        Assert.True(worst.GetArrayLength() > 0, $"{mode} mode: no text found to check");
        var failing = worst.EnumerateArray().Where(text => text.GetProperty("ratio").GetDouble() < text.GetProperty("minimum").GetDouble()).ToList();
        Assert.True(failing.Count == 0, $"{mode} mode: text below AA contrast: {string.Join("; ", failing.Select(text => text.ToString()))}");
    }

    // MudBlazor's theme provider rewrites its palette variables when the mode changes.
    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background')");
}
