using Inference.Api.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using StackExchange.Redis;

namespace Inference.Api.Apis;

/// <summary>
/// A database (or Redis) that is down or missed its deadline (<see cref="Data.DatabaseDeadline"/>) answers 503 with
/// <c>Retry-After</c> in the route's error form, never a 500 with the driver's message. Only the drivers' own failures
/// and the deadline count: a malformed request or a client hanging up is left to the handlers after this one.
/// </summary>
public sealed class DatabaseUnavailableExceptionHandler(ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Unavailable(exception) is not { } dependency || httpContext.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning("{Method} {Path} answered 503: {Dependency} is unavailable ({Reason})",
            httpContext.Request.Method, httpContext.Request.Path, dependency, exception.Message);
        httpContext.Response.Headers.RetryAfter = "5";
        await AccessErrorResponses.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, $"{dependency} unavailable",
            $"The {dependency.ToLowerInvariant()} did not answer in time; retry shortly.");
        return true;
    }

    /// <summary>
    /// "Database" for a missed deadline or the driver's own connection-level failure (lost or refused connection, a
    /// timeout, SQLite's busy or locked file), or the server refusing work while it starts, recovers or shuts down (SQLSTATE classes 08, 53, 57);
    /// "Redis" for StackExchange.Redis' connection and timeout failures; possibly wrapped (EF Core's retries,
    /// DbUpdateException). Null for anything else: ASP.NET's <see cref="BadHttpRequestException"/> (an
    /// <see cref="System.IO.IOException"/>) is the client's bad request, and a client that hung up is an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    private static string? Unavailable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            switch (exception)
            {
                case BadHttpRequestException or OperationCanceledException:
                    return null;
                case TimeoutException and not RedisTimeoutException:
                case PostgresException { SqlState: ['0', '8', ..] or ['5', '3', ..] or ['5', '7', ..] }:
                case NpgsqlException and not PostgresException:
                case SqliteException { IsTransient: true }:
                    return "Database";
                case RedisConnectionException or RedisTimeoutException:
                    return "Redis";
            }
        }
        return null;
    }
}
