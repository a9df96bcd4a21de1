using System.Globalization;

namespace AppHost.Publishing;

/// <summary>
/// Where each endpoint of the app model lives on the Compose network: the service name as host and the
/// container port. HTTPS endpoints of .NET projects are left out: TLS ends in front of Compose, not in the
/// containers, as with Aspire's own Compose publisher.
/// </summary>
public sealed class ComposeEndpoints
{
    /// <summary>The port ASP.NET Core container images listen on unless told otherwise.</summary>
    public const int AspNetCoreContainerPort = 8080;

    private readonly Dictionary<(IResource Resource, string Endpoint), Mapping> _mappings = [];

    public static ComposeEndpoints Create(IEnumerable<IResource> services)
    {
        var endpoints = new ComposeEndpoints();
        foreach (var resource in services)
        {
            if (!resource.TryGetEndpoints(out var annotations))
            {
                continue;
            }
            foreach (var endpoint in annotations)
            {
                if (resource is ProjectResource && endpoint.UriScheme == "https")
                {
                    continue;
                }
                var port = endpoint.TargetPort
                    ?? (resource is ProjectResource
                        ? AspNetCoreContainerPort
                        : throw new InvalidOperationException($"Endpoint '{endpoint.Name}' of '{resource.Name}' has no target port."));
                endpoints._mappings[(resource, endpoint.Name)] = new Mapping(endpoint.Name, resource.Name, port, endpoint.UriScheme, endpoint.IsExternal);
            }
        }
        return endpoints;
    }

    /// <summary>The endpoints a service publishes, by name.</summary>
    public IEnumerable<Mapping> For(IResource resource) =>
        _mappings.Where(pair => pair.Key.Resource == resource).Select(pair => pair.Value);

    /// <summary>The value of an endpoint property inside the Compose network, or null for an endpoint Compose does not publish.</summary>
    public string? Resolve(EndpointReference endpoint, EndpointProperty property)
    {
        if (!_mappings.TryGetValue((endpoint.Resource, endpoint.EndpointName), out var mapping))
        {
            return null;
        }

        var port = mapping.Port.ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Url => $"{mapping.Scheme}://{mapping.Host}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => mapping.Host,
            EndpointProperty.Port or EndpointProperty.TargetPort => port,
            EndpointProperty.HostAndPort => $"{mapping.Host}:{port}",
            EndpointProperty.Scheme => mapping.Scheme,
            EndpointProperty.TlsEnabled => bool.FalseString,
            _ => throw new NotSupportedException($"Endpoint property {property} has no Compose equivalent."),
        };
    }

    public sealed record Mapping(string Name, string Host, int Port, string Scheme, bool IsExternal);
}
