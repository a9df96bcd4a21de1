using Inference.Api.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Inference.Api.Apis;

/// <summary>
/// A database that is down or missed its deadline (<see cref="Data.DatabaseDeadline"/>) answers 503 with
/// <c>Retry-After</c> in the route's error form, never a 500 with the driver's message.
/// </summary>
public sealed class DatabaseUnavailableExceptionHandler(ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailability(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning("{Method} {Path} answered 503: the database is unavailable ({Reason})",
            httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        httpContext.Response.Headers.RetryAfter = "5";
        await AccessErrorResponses.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "Database unavailable",
            "The database did not answer in time; retry shortly.");
        return true;
    }

    /// <summary>A missed deadline or a transient driver failure, possibly wrapped (EF Core's retries, DbUpdateException).</summary>
    private static bool IsUnavailability(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is TimeoutException or NpgsqlException { IsTransient: true } or SqliteException { IsTransient: true })
            {
                return true;
            }
        }
        return false;
    }
}
