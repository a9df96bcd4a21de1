namespace Aspire.Hosting;

/// <summary>
/// The API's management endpoint: Prometheus's <c>/metrics</c> (and the probes) on a port of its own, as Triton serves
/// its metrics on 8002. Internal: Compose exposes it on the network for Prometheus but publishes no host port.
/// </summary>
public static class ManagementEndpointExtensions
{
    public const string EndpointName = "management";

    /// <summary>Triton's metrics port; in run mode <c>Inference:ManagementPort</c> picks another.</summary>
    public const int DefaultPort = 8002;

    /// <summary>
    /// Adds the endpoint and tells the API its port (<c>MANAGEMENT_PORT</c>). Call it after
    /// <c>WithExternalHttpEndpoints</c>, which would otherwise make it external too.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithManagementEndpoint(this IResourceBuilder<ProjectResource> api)
    {
        var builder = api.ApplicationBuilder;
        var published = builder.ExecutionContext.IsPublishMode;
        var port = int.TryParse(builder.Configuration["Inference:ManagementPort"], out var configured) ? configured : DefaultPort;
        api.WithHttpEndpoint(name: EndpointName, port: published ? null : port, targetPort: published ? DefaultPort : null);
        return api.WithEnvironment("MANAGEMENT_PORT", api.GetEndpoint(EndpointName).Property(EndpointProperty.TargetPort));
    }
}
