using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Inference.Tests.EndToEnd;

/// <summary>Rate limits per key, shared by two API replicas through Redis, and what happens when Redis goes away.</summary>
[Collection(SecuredApiCollection.Name)]
public sealed class RateLimitTests(SecuredApiFixture fixture)
{
    private const string FallbackLogText = "Redis is unreachable for rate limiting";
    private const string RecoveredLogText = "Redis answers again";
    private const int Limit = SecuredApiFixture.PredictLimit;
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LimitHoldsAcrossBothReplicasWithRetryAfter()
    {
        var key = await ApiKeyClient.CreateAsync(fixture.AdminApi, "limited", "infer");
        using var client = fixture.ClientWithKey(key.Key);

        var responses = await PredictManyAsync(client, 4 * Limit);

        // Each replica alone would let Limit through; exactly Limit in all means they counted together.
        Assert.Equal(Limit, responses.Count(response => response.StatusCode == HttpStatusCode.OK));
        var rejected = responses.Where(response => response.StatusCode != HttpStatusCode.OK).ToArray();
        Assert.All(rejected, response => Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode));
        Assert.All(rejected, response => Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), SecuredApiFixture.PredictWindow));
        var problem = JsonDocument.Parse(await rejected[0].Content.ReadAsStringAsync(Cancellation)).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("application/problem+json", rejected[0].Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OneKeyReachingItsLimitLeavesAnotherKeyAlone()
    {
        var busy = await ApiKeyClient.CreateAsync(fixture.AdminApi, "busy", "infer");
        var quiet = await ApiKeyClient.CreateAsync(fixture.AdminApi, "quiet", "infer");
        using var busyClient = fixture.ClientWithKey(busy.Key);
        using var quietClient = fixture.ClientWithKey(quiet.Key);

        var busyResponses = await PredictManyAsync(busyClient, Limit + 3);
        var quietResponses = await PredictManyAsync(quietClient, Limit);

        Assert.Contains(busyResponses, response => response.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.All(quietResponses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
    }

    [Fact]
    public async Task WithRedisStoppedPredictionsKeepAnsweringUnderInProcessLimits()
    {
        var key = await ApiKeyClient.CreateAsync(fixture.AdminApi, "during outage", "infer");
        using var client = fixture.ClientWithKey(key.Key);
        var replicas = await fixture.WaitForHealthyReplicasAsync(Cancellation);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var fallbackLogged = WaitForLogLineAsync(replicas, FallbackLogText, watching.Token);

        await fixture.RunCommandAsync(SecuredApiFixture.RedisResource, KnownResourceCommands.StopCommand, Cancellation);
        HttpResponseMessage[] responses;
        try
        {
            responses = await PredictManyAsync(client, 2 * Limit + 4);
            await Eventually.WithinAsync(TimeSpan.FromSeconds(30), $"a replica to log '{FallbackLogText}'", fallbackLogged.WaitAsync, Cancellation);
        }
        finally
        {
            await watching.CancelAsync();
            await fixture.RunCommandAsync(SecuredApiFixture.RedisResource, KnownResourceCommands.StartCommand, Cancellation);
            await fixture.WaitForHealthyReplicasAsync(Cancellation);
            await WaitUntilLimitsAreSharedAgainAsync(client, replicas);
        }

        Assert.DoesNotContain(responses, response => (int)response.StatusCode >= 500);
        var succeeded = responses.Count(response => response.StatusCode == HttpStatusCode.OK);
        // In process, each replica allows the limit on its own.
        Assert.InRange(succeeded, Limit, SecuredApiFixture.Replicas * Limit);
        Assert.Contains(responses, response => response.StatusCode == HttpStatusCode.TooManyRequests);
    }

    /// <summary>
    /// A replica goes back to Redis on a request after its retry interval: requests are sent until every replica says
    /// so, so the tests after this one find the limits shared again.
    /// </summary>
    private async Task WaitUntilLimitsAreSharedAgainAsync(HttpClient client, string[] replicas)
    {
        await Eventually.WithinAsync(RecoveryTimeout, $"every replica to log '{RecoveredLogText}' after Redis came back", async deadline =>
        {
            var recovered = Task.WhenAll(replicas.Select(replica => WaitForLogLineAsync([replica], RecoveredLogText, deadline)));
            while (!recovered.IsCompleted)
            {
                await PredictManyAsync(client, 2);
                await Task.WhenAny(recovered, Task.Delay(500, deadline));
                deadline.ThrowIfCancellationRequested();
            }
            await recovered;
        }, Cancellation);
    }

    private static async Task<HttpResponseMessage[]> PredictManyAsync(HttpClient client, int count)
    {
        var responses = new HttpResponseMessage[count];
        for (var i = 0; i < count; i++)
        {
            // A new connection per request, so the AppHost's proxy can hand requests to either replica.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict/text")
            {
                Content = JsonContent.Create(new { text = $"Request {i} was fine" }),
            };
            request.Headers.ConnectionClose = true;
            responses[i] = await client.SendAsync(request, Cancellation);
        }
        return responses;
    }

    /// <summary>Completes once any of <paramref name="resourceIds"/> logs a line containing <paramref name="text"/>.</summary>
    private Task WaitForLogLineAsync(IEnumerable<string> resourceIds, string text, CancellationToken cancellationToken)
    {
        var logs = fixture.App.Services.GetRequiredService<ResourceLoggerService>();
        var found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var resourceId in resourceIds)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(cancellationToken))
                    {
                        if (batch.Any(line => line.Content.Contains(text, StringComparison.Ordinal)))
                        {
                            found.TrySetResult();
                            return;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // The test stopped watching: whoever awaits learns that, rather than waiting on.
                    found.TrySetCanceled(cancellationToken);
                }
            }, cancellationToken);
        }
        return found.Task;
    }
}
