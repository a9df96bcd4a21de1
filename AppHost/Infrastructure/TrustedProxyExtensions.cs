namespace Aspire.Hosting;

/// <summary>
/// <see cref="Proxy"/> calls the annotated service on behalf of other clients and names each in <c>X-Forwarded-For</c>,
/// which the service must then trust from it (and from nobody else): publishers give the proxy an address the service
/// can be told.
/// </summary>
public sealed record TrustedProxyAnnotation(IResource Proxy) : IResourceAnnotation;

public static class TrustedProxyExtensions
{
    /// <summary>
    /// <paramref name="proxy"/> forwards its clients' addresses to this service. In a run every service is on loopback,
    /// which the services trust by default; deployments give the proxy a fixed address (Compose) or document the networks
    /// to trust (Kubernetes).
    /// </summary>
    public static IResourceBuilder<T> WithTrustedProxy<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> proxy)
        where T : IResource =>
        builder.WithAnnotation(new TrustedProxyAnnotation(proxy.Resource));
}
