using System.Collections.Concurrent;
using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Inference.Api.Security;

/// <summary>
/// When each stored key was last used, kept off the request path: a request only notes the time in memory, at most once
/// a minute per key (<see cref="Resolution"/>), and <see cref="ApiKeyUsageWriter"/> writes what was noted to Postgres in
/// the background.
/// </summary>
public sealed class ApiKeyUsage(TimeProvider time)
{
    /// <summary>How precise <c>lastUsedAt</c> is; also the least time between two writes for one key.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastNoted = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _pending = new();

    public void Record(Guid keyId)
    {
        var now = time.GetUtcNow();
        if (_lastNoted.TryGetValue(keyId, out var noted) && now - noted < Resolution)
        {
            return;
        }
        _lastNoted[keyId] = now;
        _pending[keyId] = now;
    }

    /// <summary>Takes every time noted since the last call.</summary>
    public IReadOnlyList<KeyValuePair<Guid, DateTimeOffset>> TakePending()
    {
        var taken = new List<KeyValuePair<Guid, DateTimeOffset>>(_pending.Count);
        foreach (var keyId in _pending.Keys)
        {
            if (_pending.TryRemove(keyId, out var at))
            {
                taken.Add(new(keyId, at));
            }
        }
        return taken;
    }

    /// <summary>Puts back times that could not be written, unless a newer one was noted meanwhile.</summary>
    public void Restore(IEnumerable<KeyValuePair<Guid, DateTimeOffset>> unwritten)
    {
        foreach (var (keyId, at) in unwritten)
        {
            _pending.AddOrUpdate(keyId, at, (_, newer) => newer > at ? newer : at);
        }
    }
}

/// <summary>Writes noted key usage to <c>api_keys."LastUsedAt"</c> every <see cref="ApiKeyAuthOptions.LastUsedWriteInterval"/>.</summary>
public sealed class ApiKeyUsageWriter(
    ApiKeyUsage usage, IServiceScopeFactory scopes, IOptions<ApiKeyAuthOptions> options, ILogger<ApiKeyUsageWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LastUsedWriteInterval);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var pending = usage.TakePending();
            if (pending.Count == 0)
            {
                continue;
            }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<InferenceDbContext>();
                foreach (var (keyId, at) in pending)
                {
                    // Every replica notes usage on its own; the condition keeps it to one write a minute per key across all of them.
                    var previousWindow = at - ApiKeyUsage.Resolution;
                    await DatabaseDeadline.RunAsync(token => db.ApiKeys
                        .Where(key => key.Id == keyId && (key.LastUsedAt == null || key.LastUsedAt <= previousWindow))
                        .ExecuteUpdateAsync(set => set.SetProperty(key => key.LastUsedAt, at), token), stoppingToken);
                }
                failing = false;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                usage.Restore(pending);
                if (!failing)
                {
                    logger.LogWarning("Key usage times could not be written; they are kept and retried: {Reason}", exception.Message);
                }
                failing = true;
            }
        }
    }
}
