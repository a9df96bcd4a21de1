using System.Net;
using Inference.Api.OpenInference;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Inference.Api.Grpc;

/// <summary>Registers and maps the Open Inference Protocol's gRPC service and its HTTP/2 listener.</summary>
public static class GrpcEndpointExtensions
{
    /// <summary>The port gRPC is served on (cleartext HTTP/2); the AppHost sets it from the <c>grpc</c> endpoint.</summary>
    public const string PortVariable = "GRPC_PORT";

    /// <summary>Largest request message: a raw tensor batch of 64 MiB, the same ceiling as a batch job submission.</summary>
    public const int MaxReceiveMessageBytes = 64 * 1024 * 1024;

    public static IHostApplicationBuilder AddOpenInferenceGrpc(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<ProtocolMetadata>();
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxReceiveMessageBytes;
            options.Interceptors.Add<InferenceErrorInterceptor>();
        });
        if (int.TryParse(builder.Configuration[PortVariable], out var port))
        {
            builder.Services.Configure<KestrelServerOptions>(kestrel => ListenForGrpc(kestrel, port, builder.Configuration));
        }
        return builder;
    }

    /// <summary>
    /// The gRPC service. Its endpoints can be decorated like a route group (e.g. <c>.RequireAuthorization()</c>);
    /// per method, attributes on <see cref="InferenceGrpcService"/>'s overrides do the same.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapOpenInferenceGrpc(this IEndpointRouteBuilder app) =>
        app.MapGrpcService<InferenceGrpcService>();

    /// <summary>
    /// Adds an HTTP/2-only listener for gRPC without TLS (h2c needs HTTP/2 only: without TLS there is no ALPN to pick
    /// it). Listening in code makes Kestrel ignore the configured URLs, so those are listened on here too, unchanged:
    /// the REST API, health checks and the admin UI keep their HTTP/1.1 endpoint.
    /// </summary>
    private static void ListenForGrpc(KestrelServerOptions kestrel, int port, IConfiguration configuration)
    {
        foreach (var url in ConfiguredUrls(configuration))
        {
            var address = BindingAddress.Parse(url);
            Action<ListenOptions> configure = address.Scheme == Uri.UriSchemeHttps ? listen => listen.UseHttps() : _ => { };
            if (address.Host == "localhost")
            {
                kestrel.ListenLocalhost(address.Port, configure);
            }
            else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
            {
                kestrel.Listen(ip, address.Port, configure);
            }
            else
            {
                kestrel.ListenAnyIP(address.Port, configure);
            }
        }
        kestrel.ListenAnyIP(port, listen => listen.Protocols = HttpProtocols.Http2);
    }

    /// <summary>What Kestrel would have listened on: <c>urls</c>, else <c>http_ports</c>/<c>https_ports</c>, else its default.</summary>
    private static IEnumerable<string> ConfiguredUrls(IConfiguration configuration)
    {
        var separators = new[] { ';', ',' };
        var split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            return urls.Split(';', split);
        }
        string[] http = [.. (configuration[WebHostDefaults.HttpPortsKey] ?? "").Split(separators, split).Select(p => $"http://*:{p}")];
        string[] https = [.. (configuration[WebHostDefaults.HttpsPortsKey] ?? "").Split(separators, split).Select(p => $"https://*:{p}")];
        return http.Length + https.Length > 0 ? [.. http, .. https] : ["http://localhost:5000"];
    }
}
