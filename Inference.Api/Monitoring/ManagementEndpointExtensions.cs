using Inference.Engine.Execution;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Inference.Api.Monitoring;

/// <summary>
/// The management port (Triton's metrics port, 8002 by default in the AppHost): Prometheus's <c>/metrics</c> and the
/// probes, nothing else; the public port never serves <c>/metrics</c>. Also the tracing choices that keep an idle API
/// silent: no spans for scrapes, none for background loops.
/// </summary>
public static class ManagementEndpointExtensions
{
    /// <summary>Which of the server's ports is the management port; the AppHost sets it from the <c>management</c> endpoint.</summary>
    public const string PortVariable = "MANAGEMENT_PORT";

    public const string MetricsPath = "/metrics";

    private const string PrometheusProvider = "prometheus";
    private static readonly string[] ManagementPaths = [MetricsPath, "/health", "/alive"];

    public static IHostApplicationBuilder AddManagementEndpoint(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<PlatformTelemetry>();
        services.AddSingleton<TritonMetrics>();
        services.AddSingleton<GpuMetrics>();
        services.AddSingleton<IHealthCheckPublisher, HealthCheckMetrics>();
        // Often enough for an alert to notice a lost dependency within a minute or two.
        services.Configure<HealthCheckPublisherOptions>(options => options.Period = TimeSpan.FromSeconds(10));
        services.AddKeyedSingleton<MeterProvider>(PrometheusProvider, (_, _) => PrometheusExposition.CreateMeterProvider());

        var port = ManagementPort(builder.Configuration);
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(new ParentBasedSampler(new BackgroundWorkSampler())));
        services.PostConfigure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            // Scrapes every few seconds would bury the traces that matter.
            var filter = options.Filter;
            options.Filter = context => context.Connection.LocalPort != port && (filter?.Invoke(context) ?? true);
        });
        return builder;
    }

    /// <summary>Serves <c>/metrics</c> on the management port only and keeps the rest of the API off that port.</summary>
    public static WebApplication MapManagementEndpoint(this WebApplication app)
    {
        // Observable instruments exist once their owners do; a scrape before the first request must already see them.
        app.Services.GetRequiredService<TritonMetrics>();
        app.Services.GetRequiredService<PlatformTelemetry>();
        app.Services.GetRequiredService<GpuMetrics>();
        if (ManagementPort(app.Configuration) is not { } port)
        {
            app.Logger.LogInformation("No {Variable}: Prometheus metrics are not served", PortVariable);
            return app;
        }

        app.Use((context, next) =>
        {
            var onManagementPort = context.Connection.LocalPort == port;
            var managementPath = ManagementPaths.Any(path => context.Request.Path.StartsWithSegments(path));
            if (onManagementPort ? !managementPath : context.Request.Path.StartsWithSegments(MetricsPath))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath, app.Services.GetRequiredKeyedService<MeterProvider>(PrometheusProvider),
                PrometheusExposition.ServeTextFormat, optionsName: null)
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static int? ManagementPort(IConfiguration configuration) =>
        int.TryParse(configuration[PortVariable], out var port) ? port : null;
}
