namespace AppHost.Publishing;

// The subset of the Compose Specification (https://compose-spec.io) this deployment writes. Property names
// map to snake_case keys (DependsOn -> depends_on); null values and empty collections are left out.

/// <summary>A Docker Compose file.</summary>
public sealed class ComposeFile
{
    public Dictionary<string, ComposeService> Services { get; init; } = [];

    public Dictionary<string, ComposeNamedVolume> Volumes { get; init; } = [];

    public Dictionary<string, ComposeSecret> Secrets { get; init; } = [];

    public Dictionary<string, ComposeNetwork> Networks { get; init; } = [];
}

/// <summary>A network's address management: its subnet and the part of it Docker assigns from.</summary>
public sealed class ComposeNetwork
{
    public ComposeIpam? Ipam { get; init; }
}

public sealed class ComposeIpam
{
    public List<ComposeIpamConfig> Config { get; init; } = [];
}

public sealed class ComposeIpamConfig
{
    public required string Subnet { get; init; }

    public string? IpRange { get; init; }
}

/// <summary>A service's place on a network: a fixed address.</summary>
public sealed class ComposeServiceNetwork
{
    public string? Ipv4Address { get; init; }
}

/// <summary>One service: a container image (or a build), its configuration and how Compose runs it.</summary>
public sealed class ComposeService
{
    public string? Image { get; set; }

    public ComposeBuild? Build { get; set; }

    public List<string> Profiles { get; init; } = [];

    public List<string> Entrypoint { get; init; } = [];

    public List<string> Command { get; init; } = [];

    public Dictionary<string, string> Environment { get; init; } = [];

    public List<string> Ports { get; init; } = [];

    public List<string> Expose { get; init; } = [];

    public List<ComposeServiceVolume> Volumes { get; init; } = [];

    /// <summary>Secrets mounted as files at <c>/run/secrets/&lt;name&gt;</c>.</summary>
    public List<string> Secrets { get; init; } = [];

    public Dictionary<string, ComposeDependency> DependsOn { get; init; } = [];

    public Dictionary<string, ComposeServiceNetwork> Networks { get; init; } = [];

    public ComposeHealthCheck? Healthcheck { get; set; }

    public string? Restart { get; set; }

    public ComposeDeploy? Deploy { get; set; }
}

public sealed class ComposeBuild
{
    public required string Context { get; init; }

    public required string Dockerfile { get; init; }
}

/// <summary>A mount in long syntax: <c>volume</c> (named) or <c>bind</c> (host path).</summary>
public sealed class ComposeServiceVolume
{
    public required string Type { get; init; }

    public required string Source { get; init; }

    public required string Target { get; init; }

    public bool? ReadOnly { get; init; }
}

/// <summary>A named volume; no options: the local driver keeps the data on the host.</summary>
public sealed class ComposeNamedVolume;

/// <summary>A secret read from a file on the host, relative to the Compose file.</summary>
public sealed class ComposeSecret
{
    public required string File { get; init; }
}

public sealed class ComposeDependency
{
    public const string Started = "service_started";
    public const string Healthy = "service_healthy";
    public const string CompletedSuccessfully = "service_completed_successfully";

    public required string Condition { get; init; }
}

public sealed class ComposeHealthCheck
{
    public List<string> Test { get; init; } = [];

    public string? Interval { get; init; }

    public string? Timeout { get; init; }

    public int? Retries { get; init; }

    public string? StartPeriod { get; init; }
}

public sealed class ComposeDeploy
{
    public int? Replicas { get; set; }

    public ComposeResources? Resources { get; set; }
}

public sealed class ComposeResources
{
    public ComposeResourceSpec? Limits { get; set; }

    public ComposeResourceSpec? Reservations { get; set; }
}

public sealed class ComposeResourceSpec
{
    /// <summary>CPU cores, e.g. <c>"2"</c> or <c>"0.5"</c>.</summary>
    public string? Cpus { get; init; }

    /// <summary>Memory with a unit, e.g. <c>"512M"</c> or <c>"4G"</c>.</summary>
    public string? Memory { get; init; }

    public List<ComposeDeviceRequest> Devices { get; init; } = [];
}

/// <summary>A device reservation, e.g. every NVIDIA GPU: <c>{driver: nvidia, count: all, capabilities: [gpu]}</c>.</summary>
public sealed class ComposeDeviceRequest
{
    public required string Driver { get; init; }

    public required string Count { get; init; }

    public List<string> Capabilities { get; init; } = [];
}
