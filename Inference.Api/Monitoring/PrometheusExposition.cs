using System.Diagnostics.Metrics;
using Inference.Engine.Execution;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Inference.Api.Monitoring;

/// <summary>
/// The meter provider behind <c>/metrics</c>: OpenTelemetry's Prometheus exporter over the product's meters, Triton's
/// families and the ASP.NET Core, Kestrel and runtime meters. It is a provider of its own, beside the one exporting
/// OTLP, because Triton's counters keep Triton's names (<c>nv_inference_request_success</c>, no <c>_total</c>) while
/// every other counter follows Prometheus's convention: the exporter's <c>_total</c> suffix is off here and views add
/// it to all but Triton's, which would rename the OTLP series too if both shared one provider. OpenTelemetry's
/// exporter rather than prometheus-net: it names series after the instruments' units as Prometheus expects
/// (<c>_seconds</c>, <c>_bytes</c>) and needs no second instrumentation of the same code.
/// </summary>
public static class PrometheusExposition
{
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "System.Runtime",
        "System.Net.Http",
    ];

    public static MeterProvider CreateMeterProvider() => Sdk.CreateMeterProviderBuilder()
        .AddMeter(InferenceTelemetry.Name, TritonMetrics.MeterName)
        .AddMeter(FrameworkMeters)
        .AddView(instrument => IsMonotonicCounter(instrument) && instrument.Meter.Name != TritonMetrics.MeterName
            ? new MetricStreamConfiguration { Name = CounterName(instrument) }
            : null)
        .AddPrometheusExporter(options =>
        {
            options.DisableTotalNameSuffixForCounters = true;
            // Scope labels (otel_scope_name) on every series would change the label sets Triton's dashboards expect.
            options.ScopeInfoEnabled = false;
            options.TargetInfoEnabled = false;
        })
        .Build();

    /// <summary>
    /// Prometheus's text format 0.0.4, Triton's: OpenMetrics requires <c>_total</c> on every counter, which would
    /// rename Triton's families, so the scrape answers in 0.0.4 whatever format the scraper prefers.
    /// </summary>
    public static void ServeTextFormat(IApplicationBuilder scrape) => scrape.Use((context, next) =>
    {
        context.Request.Headers.Accept = "text/plain; version=0.0.4";
        return next(context);
    });

    private static bool IsMonotonicCounter(Instrument instrument)
    {
        var type = instrument.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>));
    }

    /// <summary><c>inference.requests</c> becomes <c>inference.requests_total</c>; a unit goes before the suffix (<c>_seconds_total</c>).</summary>
    private static string CounterName(Instrument instrument) => instrument.Unit switch
    {
        "s" => $"{instrument.Name}_seconds_total",
        "ms" => $"{instrument.Name}_milliseconds_total",
        "By" => $"{instrument.Name}_bytes_total",
        _ => $"{instrument.Name}_total",
    };
}
