using Inference.Api.OpenInference;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Inference.Api.Grpc;

/// <summary>Registers and maps the Open Inference Protocol's gRPC service and its HTTP/2 listener.</summary>
public static class GrpcEndpointExtensions
{
    /// <summary>Which of the server's ports serves gRPC (cleartext HTTP/2); the AppHost sets it from the <c>grpc</c> endpoint.</summary>
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
            // Without this, gRPC's catch-all route for unknown services ("{service}/{method}") would answer REST
            // requests that match no route's content type with 404 instead of their 415.
            options.IgnoreUnknownServices = true;
        });
        if (int.TryParse(builder.Configuration[PortVariable], out var port))
        {
            builder.Services.Configure<KestrelServerOptions>(kestrel => ServeHttp2Only(kestrel, port));
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
    /// The gRPC port is one of the server's URLs (<c>ASPNETCORE_URLS</c>, <c>HTTP_PORTS</c>); only its protocol differs:
    /// HTTP/2 only, since cleartext HTTP/2 needs prior knowledge (without TLS there is no ALPN to negotiate it). Setting
    /// it through the endpoint defaults keeps Kestrel binding the configured URLs, so the HTTP/1.1 endpoint is unchanged.
    /// </summary>
    private static void ServeHttp2Only(KestrelServerOptions kestrel, int port) =>
        kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        });
}
