using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Inference.Engine.Repository;

/// <summary>
/// Loads and warms every model after the server starts listening, so liveness answers at once while
/// readiness waits for the models.
/// </summary>
public sealed class ModelLoadingService(ModelRepository repository, ILogger<ModelLoadingService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        var started = Stopwatch.GetTimestamp();
        repository.LoadAll(stoppingToken);
        var models = repository.Models;
        logger.LogInformation("{Ready} of {Total} model(s) ready in {Elapsed:0} ms since loading began ({Uptime:0} ms since process start)",
            models.Count(m => m.State == ModelStates.Ready), models.Count,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds);
    }, stoppingToken);
}
