using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Response hardening every service shares: no <c>Server</c> header, <c>X-Content-Type-Options: nosniff</c>,
/// <c>Referrer-Policy: no-referrer</c> and a Content-Security-Policy of the service's choosing (at least
/// <c>frame-ancestors 'none'</c>, so no page of ours can be framed).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy of a service that serves no pages of its own: nothing may frame it.</summary>
    public const string NoFraming = "frame-ancestors 'none'";

    /// <summary>Kestrel stops announcing itself in a <c>Server</c> header.</summary>
    public static TBuilder AddSecurityHeaderDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    /// <summary>
    /// Adds the headers to every response. They are set as the response starts, so error handlers that clear a failed
    /// response's headers (the exception handler does) cannot drop them.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, Func<HttpContext, string> contentSecurityPolicy) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = contentSecurityPolicy(context);
                return Task.CompletedTask;
            });
            return next(context);
        });
}
