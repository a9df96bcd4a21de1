using Microsoft.Extensions.Options;

namespace Inference.Api.Security;

/// <summary>
/// Says at start when keys are not required (local development): anonymous callers may then predict, and they see and
/// manage every anonymous caller's batch jobs, as anyone could before jobs had owners. Callers with keys still see only
/// their own jobs.
/// </summary>
public sealed partial class OpenAccessWarning(IOptions<ApiKeyAuthOptions> options, ILogger<OpenAccessWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RequireApiKey)
        {
            LogOpenAccess();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message =
        "Inference:Auth:RequireApiKey is off: prediction, job and catalogue routes accept callers without a key, and every such "
        + "caller can see, download and cancel every batch job. Keys, when sent, are still checked and see only their own jobs. "
        + "Turn it on outside local development.")]
    private partial void LogOpenAccess();
}
