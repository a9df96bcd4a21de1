using System.Globalization;

namespace AppHost.Publishing;

/// <summary>
/// Compose for <see cref="TrustedProxyAnnotation"/>: a proxy gets a fixed address on the default network, and the service
/// it calls trusts forwarded headers from that address alone. Not the whole network: a client reaching a published port
/// through Docker's userland proxy arrives from the network's gateway, inside it, and could then name any address.
/// Addresses Docker hands out itself come from the upper half of the subnet, so they never take a fixed one.
/// </summary>
public static class ComposeTrustedProxies
{
    public const string NetworkName = "default";

    // The defaults: a /24 whose lower half holds the fixed addresses (from .10) and whose upper half Docker assigns.
    private const string DefaultSubnetPrefix = "172.30.89.";

    public static void Apply(IEnumerable<IResource> resources, ComposeFile file, ComposeEnvironmentFile environmentFile)
    {
        var trusting = resources.Select(resource => (resource, proxies: resource.Annotations.OfType<TrustedProxyAnnotation>().ToArray()))
            .Where(entry => entry.proxies.Length > 0).ToArray();
        if (trusting.Length == 0)
        {
            return;
        }

        file.Networks[NetworkName] = new ComposeNetwork
        {
            Ipam = new ComposeIpam
            {
                Config =
                [
                    new ComposeIpamConfig
                    {
                        Subnet = environmentFile.Optional("INFERENCE_NETWORK_SUBNET", DefaultSubnetPrefix + "0/24",
                            "The containers' network; change it, with the two below, if it overlaps one of the host's."),
                        IpRange = environmentFile.Optional("INFERENCE_NETWORK_DYNAMIC_RANGE", DefaultSubnetPrefix + "128/25",
                            "Part of the subnet Docker hands out itself; fixed addresses lie outside it."),
                    },
                ],
            },
        };

        var addresses = new Dictionary<IResource, string>();
        foreach (var (resource, proxies) in trusting)
        {
            for (var index = 0; index < proxies.Length; index++)
            {
                var proxy = proxies[index].Proxy;
                if (!addresses.TryGetValue(proxy, out var address))
                {
                    address = addresses[proxy] = environmentFile.Optional(ComposeEnvironmentFile.VariableName(proxy.Name, "address"),
                        $"{DefaultSubnetPrefix}{10 + addresses.Count}",
                        $"The fixed address of '{proxy.Name}' in the subnet, outside the dynamic range: the services it calls trust its X-Forwarded-For.");
                    file.Services[proxy.Name].Networks[NetworkName] = new ComposeServiceNetwork { Ipv4Address = address };
                }
                file.Services[resource.Name].Environment[$"ForwardedHeaders__KnownProxies__{index.ToString(CultureInfo.InvariantCulture)}"] = address;
            }
        }
    }
}
