using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;

using Inference.Tests.Protocol;

namespace Inference.Tests.EndToEnd;

/// <summary>Every response of the API and the dashboard is hardened, and no error body shows the server's insides.</summary>
public sealed partial class ResponseHardeningTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string?> Requests => new()
    {
        { "GET", "/api/models", null },
        { "GET", "/api/admin/keys", null },
        { "GET", $"/api/jobs/{Guid.NewGuid()}", null },
        { "GET", "/api/jobs/not-a-guid/results", null },
        { "POST", "/api/predict/text", "{\"text\": " },
        { "POST", "/api/predict/text", "{\"text\": 42}" },
        { "POST", "/api/jobs", "[1, 2" },
        { "GET", "/api/jobs?limit=many", null },
        { "POST", "/v2/models/simple/infer", "{\"inputs\": [" },
        { "GET", "/v2/no/such/route", null },
        { "GET", "/health", null },
        { "GET", "/openapi/v1.json", null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task ApiResponsesCarryTheHardeningHeadersAndNoServerHeader(string method, string path, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
        };

        var response = await fixture.Api.SendAsync(request, Cancellation);

        AssertHardened(response, "frame-ancestors 'none'");
        await AssertRevealsNothingAsync(response, $"{method} {path}");
    }

    [Theory]
    [MemberData(nameof(BadJobRequestTests.BadBodies), MemberType = typeof(BadJobRequestTests))]
    public async Task RefusedJobsRevealNoInternals(string what, object body, HttpStatusCode expected, string detail)
    {
        var response = await fixture.Api.PostAsJsonAsync("/api/jobs", body, Cancellation);

        Assert.Equal(expected, response.StatusCode);
        AssertHardened(response, "frame-ancestors 'none'");
        await AssertRevealsNothingAsync(response, $"{what} ({detail})");
    }

    [Theory]
    [MemberData(nameof(OpenInferenceErrorTests.BadJsonRequests), MemberType = typeof(OpenInferenceErrorTests))]
    public async Task RefusedProtocolRequestsRevealNoInternals(string model, string body, string expectedMessage)
    {
        var response = await fixture.Api.PostAsync($"/v2/models/{model}/infer", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{model}: {(int)response.StatusCode}");
        AssertHardened(response, "frame-ancestors 'none'");
        await AssertRevealsNothingAsync(response, expectedMessage);
    }

    [Fact]
    public async Task DashboardPagesAllowTheirOwnScriptsByNonceAndCannotBeFramed()
    {
        using var dashboard = new HttpClient { BaseAddress = fixture.DashboardUrl };

        var page = await dashboard.GetAsync("/", Cancellation);
        var html = await page.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = AssertHardened(page, "frame-ancestors 'none'");
        Assert.Contains("default-src 'self'", policy);
        Assert.DoesNotContain("'unsafe-inline'", policy.Split(';').Single(directive => directive.Trim().StartsWith("script-src", StringComparison.Ordinal)));
        var nonce = ScriptNonce().Match(policy).Groups["nonce"].Value;
        Assert.NotEmpty(nonce);
        // Every inline script (the import map) carries this response's nonce; the rest load from the dashboard itself.
        Assert.All(InlineScripts().Matches(html), script => Assert.Contains($"nonce=\"{nonce}\"", WebUtility.HtmlDecode(script.Value)));
        Assert.NotEqual(nonce, ScriptNonce().Match(AssertHardened(await dashboard.GetAsync("/", Cancellation), "frame-ancestors")).Groups["nonce"].Value);
    }

    /// <summary>The headers every response must carry; returns its Content-Security-Policy.</summary>
    private static string AssertHardened(HttpResponseMessage response, string policyMustContain)
    {
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} ({(int)response.StatusCode})";
        Assert.False(response.Headers.Contains("Server"), $"{what} has a Server header: {string.Join(", ", response.Headers.Server)}");
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var sniffing) && sniffing.Single() == "nosniff", $"{what}: no nosniff");
        Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", $"{what}: no Referrer-Policy");
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var policies), $"{what}: no Content-Security-Policy");
        var policy = policies.Single();
        Assert.Contains(policyMustContain, policy);
        return policy;
    }

    private static async Task AssertRevealsNothingAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.DoesNotContain(" at Inference.", body);
        Assert.DoesNotContain(" at System.", body);
        Assert.DoesNotContain("/work/", body);
        Assert.DoesNotContain(TestPaths.RepositoryRoot, body);
        Assert.False(ExceptionTypeName().IsMatch(body), $"{what}: the body names an exception type: {body}");
    }

    [GeneratedRegex(@"\b(System|Microsoft|Npgsql|StackExchange|Inference)\.[\w.]*Exception\b|\b\w+Exception:")]
    private static partial Regex ExceptionTypeName();

    [GeneratedRegex(@"script-src[^;]*'nonce-(?<nonce>[^']+)'")]
    private static partial Regex ScriptNonce();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>")]
    private static partial Regex InlineScripts();
}
