namespace Aspire.Hosting;

/// <summary>The API's gRPC endpoint (the Open Inference Protocol's GRPCInferenceService) beside its HTTP/1.1 one.</summary>
public static class GrpcEndpointExtensions
{
    public const string EndpointName = "grpc";

    /// <summary>Triton's gRPC port, so clients set up for Triton find the service where they expect it.</summary>
    public const int DefaultPort = 8001;

    /// <summary>The container port in deployments, next to the HTTP port 8080 of ASP.NET Core images.</summary>
    public const int ContainerPort = 8081;

    /// <summary>
    /// Cleartext HTTP/2 (h2c), so gRPC clients connect without TLS. The endpoint is one of the API's URLs like the HTTP
    /// one; <c>GRPC_PORT</c> tells the API which of them to serve with HTTP/2 only.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGrpcEndpoint(this IResourceBuilder<ProjectResource> api)
    {
        // Run mode: a proxy on the fixed port forwards to a port picked per replica. Published containers listen on a fixed port.
        var published = api.ApplicationBuilder.ExecutionContext.IsPublishMode;
        api.WithHttpEndpoint(name: EndpointName, port: published ? null : DefaultPort, targetPort: published ? ContainerPort : null)
            .WithEndpoint(EndpointName, endpoint => endpoint.Transport = "http2");
        return api.WithEnvironment("GRPC_PORT", api.GetEndpoint(EndpointName).Property(EndpointProperty.TargetPort));
    }
}
