namespace Aspire.Hosting;

/// <summary>Where Postgres and Redis come from.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers healthily, else the machine's own binaries, else embedded.</summary>
    Auto,
    /// <summary>Postgres and Redis containers with data volumes.</summary>
    Container,
    /// <summary>The machine's own <c>postgres</c> and <c>redis-server</c>, started as executables.</summary>
    Local,
    /// <summary>Connection strings from configuration (<c>ConnectionStrings:inferencedb</c>, <c>ConnectionStrings:redis</c>).</summary>
    External,
    /// <summary>
    /// Neither: the API keeps its data in one SQLite file and coordinates in process (one API process; not for production).
    /// Only the .NET SDK is needed.
    /// </summary>
    Embedded,
}
