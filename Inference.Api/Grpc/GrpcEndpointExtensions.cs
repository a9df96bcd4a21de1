using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.Server;
using Inference.Api.OpenInference;
using Inference.Api.Serving;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Inference.Api.Grpc;

/// <summary>Registers and maps the Open Inference Protocol's gRPC service, the standard health service and the HTTP/2 listener.</summary>
public static class GrpcEndpointExtensions
{
    /// <summary>Which of the server's ports serves gRPC (cleartext HTTP/2); the AppHost sets it from the <c>grpc</c> endpoint.</summary>
    public const string PortVariable = "GRPC_PORT";

    /// <summary>The service name clients give <c>grpc.health.v1.Health</c> for this service's readiness.</summary>
    public const string ServiceName = "inference.GRPCInferenceService";

    // Each gRPC message travels behind a 5-byte header (compressed flag, length).
    private const int MessageHeaderBytes = 5;

    public static IHostApplicationBuilder AddOpenInferenceGrpc(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<ProtocolMetadata>();
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<InferenceErrorInterceptor>();
            // Without this, gRPC's catch-all route for unknown services ("{service}/{method}") would answer REST
            // requests that match no route's content type with 404 instead of their 415; UnknownGrpcServices answers them.
            options.IgnoreUnknownServices = true;
        });
        // One request-size setting for both transports: the largest message is the largest REST request body.
        builder.Services.AddOptions<GrpcServiceOptions>().Configure<IOptions<OpenInferenceOptions>>((grpc, protocol) =>
            grpc.MaxReceiveMessageSize = MaxMessageBytes(protocol.Value));

        // grpc.health.v1.Health answers as Triton's does: SERVING once the server is ready (every model tried).
        builder.Services.AddGrpcHealthChecks(options =>
        {
            options.Services.Map("", IsReadinessCheck);
            options.Services.Map(ServiceName, IsReadinessCheck);
        });

        if (int.TryParse(builder.Configuration[PortVariable], out var port))
        {
            builder.Services.Configure<KestrelServerOptions>(kestrel => ServeHttp2Only(kestrel, port));
        }
        return builder;
    }

    /// <summary>
    /// The gRPC service. Its endpoints can be decorated like a route group (e.g. <c>.RequireAuthorization()</c>);
    /// per method, attributes on <see cref="InferenceGrpcService"/>'s overrides do the same. The health service is
    /// mapped beside it and stays open, like the other probes.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapOpenInferenceGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcHealthChecksService().AllowAnonymous();
        var protocol = app.ServiceProvider.GetRequiredService<IOptions<OpenInferenceOptions>>().Value;
        // Kestrel's body limit (30 MB by default) would otherwise end large unary requests before the message limit does.
        return app.MapGrpcService<InferenceGrpcService>()
            .WithMetadata(new RequestSizeLimitAttribute((long)MaxMessageBytes(protocol) + MessageHeaderBytes));
    }

    private static int MaxMessageBytes(OpenInferenceOptions options) => (int)Math.Min(options.MaxRequestBytes, int.MaxValue - MessageHeaderBytes);

    private static bool IsReadinessCheck(HealthCheckMapContext check) => check.Name == ModelsHealthCheck.Name;

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
