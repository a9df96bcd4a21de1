using Inference.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Inference.Api.Resilience;

/// <summary>
/// Checks Redis (<c>PING</c>) and Postgres (<c>SELECT 1</c>) every <see cref="DependencyOptions.ProbeInterval"/>, each
/// within <see cref="DependencyOptions.ProbeTimeout"/>, and tells their circuits: requests stop waiting on a dependency
/// within one interval of it failing and use it again within one interval of it answering. Readiness reads the result,
/// so a probe never waits on a dependency itself.
/// </summary>
public sealed class DependencyProbe(
    DependencyCircuits circuits,
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    IOptions<DependencyOptions> options) : BackgroundService
{
    private NpgsqlDataSource? _postgres;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval);
        do
        {
            await Task.WhenAll(
                ProbeAsync(circuits.Redis, ProbeRedisAsync, stoppingToken),
                ProbeAsync(circuits.Postgres, ProbePostgresAsync, stoppingToken));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProbeAsync(DependencyCircuit circuit, Func<CancellationToken, Task> probe, CancellationToken stoppingToken)
    {
        var timeout = options.Value.ProbeTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout);
        Exception? failure = null;
        try
        {
            await probe(deadline.Token).WaitAsync(timeout, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            failure = new TimeoutException($"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        await circuit.ReportProbeAsync(failure);
    }

    private async Task ProbeRedisAsync(CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "not connected");
        }
        await redis.GetDatabase().PingAsync();
    }

    private async Task ProbePostgresAsync(CancellationToken cancellationToken)
    {
        // A data source of its own, so the probe never waits behind requests for a pooled connection and logs nothing.
        _postgres ??= await CreateDataSourceAsync();
        await using var command = _postgres.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<NpgsqlDataSource> CreateDataSourceAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var connectionString = scope.ServiceProvider.GetRequiredService<InferenceDbContext>().Database.GetConnectionString();
        return new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxPoolSize = 2 } }.Build();
    }

    public override void Dispose()
    {
        _postgres?.Dispose();
        base.Dispose();
    }
}
