using AppHost.Publishing;

namespace Inference.Tests.Deployment;

/// <summary>
/// The Compose file generated from the app model: the checked-in <c>deploy/</c> files (with the GPU override) stay
/// current, the scale-out variant matches its golden file, and each says what it must.
/// </summary>
public sealed class ComposeFileTests
{
    private const string Api = "inference-api";
    private const string PublishCommand = "dotnet run --project AppHost -- --publisher compose --output-path ../deploy";
    private const string UpdateGoldenFiles = "rerun the tests with UPDATE_GOLDEN_FILES=1 and review the diff.";

    [Fact]
    public async Task CheckedInDeployFolderMatchesTheAppModel()
    {
        var deployment = await PublishedAppModel.GenerateComposeAsync(new ComposeOptions());

        GoldenFile.AssertMatches(Path.Combine(PublishedAppModel.DeployDirectory, ComposeDeployment.ComposeFileName),
            deployment.ToYaml(), $"run '{PublishCommand}'.");
        GoldenFile.AssertMatches(Path.Combine(PublishedAppModel.DeployDirectory, ComposeDeployment.GpuOverrideFileName),
            deployment.GpuOverrideToYaml(), $"run '{PublishCommand}'.");
        GoldenFile.AssertMatches(Path.Combine(PublishedAppModel.DeployDirectory, ComposeDeployment.EnvironmentExampleFileName),
            deployment.ToEnvironmentExample(), $"run '{PublishCommand}'.");
    }

    [Fact]
    public async Task ScaledOutVariantMatchesGoldenFile()
    {
        var deployment = await PublishedAppModel.GenerateComposeAsync(new ComposeOptions { Replicas = { [Api] = 3 } });

        GoldenFile.AssertMatches(Path.Combine(GoldenFile.GoldenDirectory, "docker-compose.replicas.yaml"), deployment.ToYaml(), UpdateGoldenFiles);
    }

    [Fact]
    public async Task ByDefaultNoServiceReservesGpusAndTheApiRunsOnTheCpuProvider()
    {
        var file = (await PublishedAppModel.GenerateComposeAsync(new ComposeOptions())).File;

        Assert.All(file.Services.Values, service => Assert.Null(service.Deploy?.Resources?.Reservations));
        Assert.Equal("cpu", file.Services[Api].Environment["Inference__ExecutionProvider"]);
        Assert.Equal("${INFERENCE_API_IMAGE:-inference-api:latest}", file.Services[Api].Image);
    }

    [Fact]
    public async Task GpuOverrideReservesEveryNvidiaGpuForTheApiOnTheCudaImageWithALongerStartPeriod()
    {
        var deployment = await PublishedAppModel.GenerateComposeAsync(new ComposeOptions());

        var service = Assert.Single(deployment.GpuOverride.Services);
        Assert.Equal(Api, service.Key);
        var api = service.Value;
        var device = Assert.Single(api.Deploy!.Resources!.Reservations!.Devices);
        Assert.Equal(("nvidia", "all"), (device.Driver, device.Count));
        Assert.Equal(["gpu"], device.Capabilities);
        Assert.Equal(new Dictionary<string, string> { ["Inference__ExecutionProvider"] = "cuda" }, api.Environment);
        Assert.Equal("${INFERENCE_API_CUDA_IMAGE:-inference-api:latest-cuda}", api.Image);
        Assert.Equal("180s", api.Healthcheck!.StartPeriod);
        Assert.Equal(deployment.File.Services[Api].Healthcheck!.Test, api.Healthcheck.Test);
    }

    [Fact]
    public async Task ScaledOutApiGetsReplicasAndOneHostPortEach()
    {
        var file = (await PublishedAppModel.GenerateComposeAsync(new ComposeOptions { Replicas = { [Api] = 3 } })).File;

        Assert.Equal(3, file.Services[Api].Deploy!.Replicas);
        Assert.Equal(["5080-5082:8080", "8001-8003:8081"], file.Services[Api].Ports);
    }

    [Fact]
    public async Task ApiServesHttpOn5080AndGrpcOnTritonsPort8001()
    {
        var api = (await PublishedAppModel.GenerateComposeAsync(new ComposeOptions())).File.Services[Api];

        Assert.Equal(["5080:8080", "8001:8081"], api.Ports);
        Assert.Equal(("8080;8081;8002", "8081"), (api.Environment["HTTP_PORTS"], api.Environment["GRPC_PORT"]));
    }

    [Fact]
    public async Task ApiTrustsForwardedAddressesFromTheConsolesFixedAddressAloneOutsideTheDynamicRange()
    {
        var file = (await PublishedAppModel.GenerateComposeAsync(new ComposeOptions())).File;
        var console = file.Services["inference-dashboard"].Networks["default"].Ipv4Address;
        var addressing = file.Networks["default"].Ipam!.Config.Single();

        Assert.Equal("${INFERENCE_DASHBOARD_ADDRESS:-172.30.89.10}", console);
        Assert.Equal(console, file.Services[Api].Environment["ForwardedHeaders__KnownProxies__0"]);
        Assert.DoesNotContain(file.Services[Api].Environment.Keys, key => key.StartsWith("ForwardedHeaders__KnownNetworks", StringComparison.Ordinal));
        var subnet = System.Net.IPNetwork.Parse(Default(addressing.Subnet));
        var dynamicRange = System.Net.IPNetwork.Parse(Default(addressing.IpRange!));
        var fixedAddress = System.Net.IPAddress.Parse(Default(console!));
        Assert.True(subnet.Contains(fixedAddress) && !dynamicRange.Contains(fixedAddress), $"{fixedAddress} in {subnet}, outside {dynamicRange}");
    }

    /// <summary>The default of a <c>${NAME:-default}</c> value.</summary>
    private static string Default(string variable) => variable[(variable.IndexOf(":-", StringComparison.Ordinal) + 2)..^1];

    [Fact]
    public async Task ManagementPortIsOnTheNetworkForPrometheusButNotPublished()
    {
        var file = (await PublishedAppModel.GenerateComposeAsync(new ComposeOptions())).File;
        var api = file.Services[Api];

        Assert.Equal("8002", api.Environment["MANAGEMENT_PORT"]);
        Assert.Equal(["8002"], api.Expose);
        Assert.DoesNotContain(api.Ports, port => port.EndsWith(":8002", StringComparison.Ordinal));
        Assert.Equal(["monitoring"], file.Services["prometheus"].Profiles);
        Assert.Equal(["monitoring"], file.Services["grafana"].Profiles);
        Assert.Equal("prometheus", file.Services["prometheus"].Build!.Context);
        Assert.Contains("names: [inference-api]", File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "deploy", "prometheus", "prometheus.yml")));
    }

    [Fact]
    public async Task ApiStartsAfterHealthyInfrastructureAndCompletedMigrationsWithReadOnlyModels()
    {
        var file = (await PublishedAppModel.GenerateComposeAsync(new ComposeOptions())).File;

        var api = file.Services[Api];
        Assert.Equal(ComposeDependency.Healthy, api.DependsOn["postgres"].Condition);
        Assert.Equal(ComposeDependency.Healthy, api.DependsOn["redis"].Condition);
        Assert.Equal(ComposeDependency.CompletedSuccessfully, api.DependsOn["inference-migrations"].Condition);
        Assert.Equal(ComposeDependency.Healthy, file.Services["inference-dashboard"].DependsOn[Api].Condition);
        Assert.Equal("60s", api.Healthcheck!.StartPeriod);
        Assert.Contains("GET /health ", api.Healthcheck.Test.Last());
        var models = Assert.Single(api.Volumes);
        Assert.Equal(("bind", "/models", true), (models.Type, models.Target, models.ReadOnly));
        Assert.Equal("/models", api.Environment["Inference__ModelRoots__0"]);
        Assert.Equal("no", file.Services["inference-migrations"].Restart);
        Assert.All(file.Services.Values, service => Assert.NotNull(service.Deploy?.Resources?.Limits));
    }

    [Fact]
    public async Task SecretsReachServicesOnlyAsMountedFilesNeverAsValuesOrVariables()
    {
        var deployment = await PublishedAppModel.GenerateComposeAsync(new ComposeOptions());
        var services = deployment.File.Services;

        string[] secrets = ["postgres-password", "redis-password", "inference-admin-key", "console-key-ring-secret"];
        Assert.Equal(secrets, deployment.File.Secrets.Keys);
        Assert.All(deployment.File.Secrets, secret => Assert.Equal($"./secrets/{secret.Key}", secret.Value.File));
        Assert.Equal(secrets, deployment.Environment.SecretFiles);
        Assert.DoesNotContain(deployment.Environment.Entries, entry => entry.IsRequired);
        // No value or variable of the environment file carries a secret.
        Assert.All(services.Values.SelectMany(service => service.Environment.Values.Concat(service.Command)),
            value => Assert.DoesNotMatch(@"PASSWORD:|ADMIN_KEY|KEY_RING_SECRET", value));
        // Containers get the official images' _FILE variables; their commands read the file.
        Assert.Equal("/run/secrets/postgres-password", services["postgres"].Environment["POSTGRES_PASSWORD_FILE"]);
        Assert.DoesNotContain("POSTGRES_PASSWORD", services["postgres"].Environment.Keys);
        Assert.Contains("--requirepass \"$$(cat \"$${REDIS_PASSWORD_FILE}\")\"", services["redis"].Command.Last());
        // .NET services resolve {secret:name} from /run/secrets; each mounts only the secrets it refers to.
        Assert.Contains("Password={secret:postgres-password}", services[Api].Environment["ConnectionStrings__inferencedb"]);
        Assert.Equal("{secret:inference-admin-key}", services[Api].Environment["Inference__Auth__BootstrapAdminKey"]);
        Assert.Equal(["postgres-password", "redis-password", "inference-admin-key"], services[Api].Secrets);
        Assert.Equal(["postgres-password"], services["inference-migrations"].Secrets);
        // The admin console holds no key (people sign in with theirs): only its key ring's, in Redis and sealed.
        Assert.Equal("{secret:console-key-ring-secret}", services["inference-dashboard"].Environment["Console__DataProtection__KeyRingSecret"]);
        Assert.Equal(["redis-password", "console-key-ring-secret"], services["inference-dashboard"].Secrets);
        Assert.DoesNotContain(services["inference-dashboard"].Environment.Keys, name => name.Contains("ApiKey", StringComparison.OrdinalIgnoreCase));
    }
}
