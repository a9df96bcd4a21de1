namespace Inference.Api.Extensions;

/// <summary>
/// <c>Infrastructure:Mode=embedded</c> (set by the AppHost's embedded mode): the API keeps its data in one SQLite file and
/// coordinates in process (cache, rate limits, job queue), for a single process that needs no Postgres or Redis.
/// </summary>
public static class EmbeddedMode
{
    public const string ModeKey = "Infrastructure:Mode";

    public static bool IsOn(IConfiguration configuration) =>
        string.Equals(configuration[ModeKey], "embedded", StringComparison.OrdinalIgnoreCase);
}
