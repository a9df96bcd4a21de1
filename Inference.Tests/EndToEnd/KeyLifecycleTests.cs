using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>With keys required: expiry, rotation, last-used times and a key's own rate limit.</summary>
[Collection(SecuredApiCollection.Name)]
public sealed class KeyLifecycleTests(SecuredApiFixture fixture)
{
    /// <summary>The key cache (3 s) plus room for a loaded machine.</summary>
    private static readonly TimeSpan RefusalDeadline = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyWorksUntilItExpiresThenGets401WithinTheCacheDuration()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var created = await CreateAsync(new { name = "expiring", scopes = new[] { "infer" }, expiresAt });
        using var client = fixture.ClientWithKey(created.GetProperty("key").GetString()!);

        var beforeExpiry = await client.GetAsync("/api/models", Cancellation);
        var (afterExpiry, refusedAt) = await PollUntilRefusedAsync(client, expiresAt + RefusalDeadline);
        var pastExpiry = await fixture.AdminApi.PostAsJsonAsync("/api/admin/keys",
            new { name = "born expired", scopes = new[] { "infer" }, expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, Cancellation);

        Assert.Equal(expiresAt, created.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, beforeExpiry.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterExpiry.StatusCode);
        Assert.True(refusedAt >= expiresAt.AddSeconds(-1), $"refused at {refusedAt:O}, before its expiry {expiresAt:O}");
        Assert.Equal(HttpStatusCode.BadRequest, pastExpiry.StatusCode);
        Assert.Contains("expiresAt", await pastExpiry.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task RotatedKeyAndItsPredecessorBothWorkUntilThePredecessorIsRevoked()
    {
        var old = await CreateAsync(new { name = "reporting service", scopes = new[] { "infer" }, rateLimit = new { permitLimit = 50, window = "00:01:00" } });
        var oldId = old.GetProperty("id").GetGuid();
        using var oldClient = fixture.ClientWithKey(old.GetProperty("key").GetString()!);

        var rotation = await fixture.AdminApi.PostAsync($"/api/admin/keys/{oldId}/rotate", null, Cancellation);
        var rotated = JsonDocument.Parse(await rotation.Content.ReadAsStringAsync(Cancellation)).RootElement;
        using var newClient = fixture.ClientWithKey(rotated.GetProperty("key").GetString()!);
        var oldBeforeRevoke = await oldClient.GetAsync("/api/models", Cancellation);
        var newBeforeRevoke = await newClient.GetAsync("/api/models", Cancellation);
        var revoke = await fixture.AdminApi.DeleteAsync($"/api/admin/keys/{oldId}", Cancellation);
        var (oldAfterRevoke, _) = await PollUntilRefusedAsync(oldClient, DateTimeOffset.UtcNow + RefusalDeadline);
        var newAfterRevoke = await newClient.GetAsync("/api/models", Cancellation);
        var rotateRevoked = await fixture.AdminApi.PostAsync($"/api/admin/keys/{oldId}/rotate", null, Cancellation);

        Assert.Equal(HttpStatusCode.Created, rotation.StatusCode);
        Assert.NotEqual(oldId, rotated.GetProperty("id").GetGuid());
        Assert.Equal(oldId, rotated.GetProperty("rotatedFromId").GetGuid());
        Assert.Equal("reporting service", rotated.GetProperty("name").GetString());
        Assert.Equal(["infer"], rotated.GetProperty("scopes").EnumerateArray().Select(scope => scope.GetString()));
        Assert.Equal(50, rotated.GetProperty("rateLimit").GetProperty("permitLimit").GetInt32());
        Assert.Equal(HttpStatusCode.OK, oldBeforeRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newBeforeRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfterRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newAfterRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, rotateRevoked.StatusCode);
    }

    [Fact]
    public async Task LastUsedTimeIsWrittenInTheBackgroundAtMostOnceAMinute()
    {
        var created = await CreateAsync(new { name = "last used", scopes = new[] { "infer" } });
        var id = created.GetProperty("id").GetGuid();
        using var client = fixture.ClientWithKey(created.GetProperty("key").GetString()!);

        var beforeUse = await LastUsedAsync(id);
        var usedAt = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models", Cancellation)).StatusCode);
        var firstWrite = await PollLastUsedAsync(id, TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models", Cancellation)).StatusCode);
        }
        // Two write intervals (5 s each): a second write, were there one, would have landed.
        await Task.Delay(TimeSpan.FromSeconds(11), Cancellation);
        var afterMoreUse = await LastUsedAsync(id);

        Assert.Null(beforeUse);
        Assert.InRange(firstWrite, usedAt.AddSeconds(-2), DateTimeOffset.UtcNow);
        Assert.Equal(firstWrite, afterMoreUse);
    }

    [Fact]
    public async Task AKeysOwnRateLimitReplacesThePolicysInBothDirections()
    {
        // The predict policy allows SecuredApiFixture.PredictLimit (5) per minute.
        var generous = await CreateAsync(new { name = "generous", scopes = new[] { "infer" }, rateLimit = new { permitLimit = 8, window = "00:01:00" } });
        var strict = await CreateAsync(new { name = "strict", scopes = new[] { "infer" }, rateLimit = new { permitLimit = 2, window = "00:01:00" } });
        using var generousClient = fixture.ClientWithKey(generous.GetProperty("key").GetString()!);
        using var strictClient = fixture.ClientWithKey(strict.GetProperty("key").GetString()!);

        var generousAnswers = await PredictRepeatedlyAsync(generousClient, 9);
        var strictAnswers = await PredictRepeatedlyAsync(strictClient, 3);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 8), HttpStatusCode.TooManyRequests], generousAnswers);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], strictAnswers);
    }

    private async Task<JsonElement> CreateAsync(object body)
    {
        var response = await fixture.AdminApi.PostAsJsonAsync("/api/admin/keys", body, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<(HttpResponseMessage Response, DateTimeOffset At)> PollUntilRefusedAsync(HttpClient client, DateTimeOffset deadline)
    {
        while (true)
        {
            var response = await client.GetAsync("/api/models", Cancellation);
            if (response.StatusCode == HttpStatusCode.Unauthorized || DateTimeOffset.UtcNow > deadline)
            {
                return (response, DateTimeOffset.UtcNow);
            }
            await Task.Delay(250, Cancellation);
        }
    }

    private async Task<DateTimeOffset?> LastUsedAsync(Guid id)
    {
        var keys = JsonDocument.Parse(await fixture.AdminApi.GetStringAsync("/api/admin/keys", Cancellation)).RootElement;
        var key = keys.EnumerateArray().Single(candidate => candidate.GetProperty("id").GetGuid() == id);
        return key.GetProperty("lastUsedAt").ValueKind == JsonValueKind.Null ? null : key.GetProperty("lastUsedAt").GetDateTimeOffset();
    }

    private async Task<DateTimeOffset> PollLastUsedAsync(Guid id, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await LastUsedAsync(id) is { } lastUsed)
            {
                return lastUsed;
            }
            Assert.True(clock.Elapsed < timeout, $"lastUsedAt was still empty after {timeout}.");
            await Task.Delay(500, Cancellation);
        }
    }

    private static async Task<HttpStatusCode[]> PredictRepeatedlyAsync(HttpClient client, int times)
    {
        var answers = new HttpStatusCode[times];
        for (var i = 0; i < times; i++)
        {
            answers[i] = (await client.PostAsJsonAsync("/api/predict/text", new { text = "A fine film" }, Cancellation)).StatusCode;
        }
        return answers;
    }
}
