using System.Net.Http.Json;
using System.Text.Json;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Faults;

/// <summary>A batch job that runs through a fault: submitted before it, followed during it, checked item by item after it.</summary>
public sealed class FaultJob
{
    public const int Items = 2000;
    private static readonly TimeSpan FinishBound = TimeSpan.FromSeconds(120);

    private readonly HttpClient _api;
    private readonly Guid _id;

    private FaultJob(HttpClient api, Guid id) => (_api, _id) = (api, id);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static async Task<FaultJob> SubmitAsync(HttpClient api, string marker)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = JsonContent.Create(new { items = Enumerable.Range(0, Items).Select(index => $"Job item {index} of run {marker}.").ToArray() }),
        };
        request.Headers.Add("X-Api-Key", ApiProcess.AdminKey);
        using var response = await api.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"the job was not accepted: {(int)response.StatusCode} {body}");
        return new FaultJob(api, JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid());
    }

    /// <summary>The job as the API reports it now (null when the API could not answer, e.g. Postgres away).</summary>
    public async Task<JsonElement?> StatusAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{_id}");
        request.Headers.Add("X-Api-Key", ApiProcess.AdminKey);
        try
        {
            using var response = await _api.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone()
                : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The job stream's length, groups and pending entries, to say where unfinished items are.</summary>
    private static async Task<string> QueueStateAsync(RedisServer redis)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();
        const string stream = "inference:jobs:items";
        var groups = await database.StreamGroupInfoAsync(stream);
        var consumers = await database.StreamConsumerInfoAsync(stream, "inference-api");
        return $"length {await database.StreamLengthAsync(stream)}; groups " +
               string.Join(", ", groups.Select(group => $"{group.Name}: pending {group.PendingMessageCount}, last delivered {group.LastDeliveredId}")) +
               "; consumers " + string.Join(", ", consumers.Select(consumer => $"{consumer.Name}: pending {consumer.PendingMessageCount}, idle {consumer.IdleTimeInMilliseconds} ms"));
    }

    /// <summary>What the job says while unfinished about why it is not progressing (its <c>waiting</c>), if anything.</summary>
    public async Task<string?> WaitingAsync() =>
        await StatusAsync(Cancellation) is { } status && status.TryGetProperty("waiting", out var waiting) ? waiting.GetString() : null;

    /// <summary>Waits (bounded) for the job to finish, then counts its distinct stored results in Postgres.</summary>
    public async Task<JobOutcome> FinishAsync(PostgresServer postgres, RedisServer redis)
    {
        JsonElement? status;
        try
        {
            status = await Eventually.PollAsync(StatusAsync,
                status => status is { } job && job.GetProperty("state").GetString() is "completed" or "failed" or "cancelled", FinishBound,
                status => $"job {_id} did not finish: {status}", Cancellation, TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message}; the queue: {await QueueStateAsync(redis)}", exception);
        }
        var stored = await PredictionCalls.PollCountAsync(postgres.ConnectionString,
            """SELECT count(DISTINCT "ItemIndex") FROM batch_job_results WHERE "JobId" = @job""", count => count >= 0, TimeSpan.FromSeconds(30),
            ("job", _id));
        var job = status!.Value;
        return new JobOutcome(job.GetProperty("state").GetString()!, job.GetProperty("totalItems").GetInt32(),
            job.GetProperty("processedItems").GetInt32(), job.GetProperty("failedItems").GetInt32(), (int)stored);
    }
}
