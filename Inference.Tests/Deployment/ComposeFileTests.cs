using AppHost.Publishing;

namespace Inference.Tests.Deployment;

/// <summary>
/// The Compose file generated from the app model: the checked-in <c>deploy/</c> files stay current, and the GPU
/// and scale-out variants match their golden files and say what they must.
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
        GoldenFile.AssertMatches(Path.Combine(PublishedAppModel.DeployDirectory, ComposeDeployment.EnvironmentExampleFileName),
            deployment.ToEnvironmentExample(), $"run '{PublishCommand}'.");
    }

    [Fact]
    public async Task GpuVariantMatchesGoldenFile()
    {
        var deployment = await PublishedAppModel.GenerateComposeAsync(new ComposeOptions(), "--Gpu:Enabled=true");

        GoldenFile.AssertMatches(Path.Combine(GoldenFile.GoldenDirectory, "docker-compose.gpu.yaml"), deployment.ToYaml(), UpdateGoldenFiles);
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
    public async Task GpuOptionReservesEveryNvidiaGpuForTheApiOnACudaImage()
    {
        var file = (await PublishedAppModel.GenerateComposeAsync(new ComposeOptions(), "--Gpu:Enabled=true")).File;

        var api = file.Services[Api];
        var device = Assert.Single(api.Deploy!.Resources!.Reservations!.Devices);
        Assert.Equal(("nvidia", "all"), (device.Driver, device.Count));
        Assert.Equal(["gpu"], device.Capabilities);
        Assert.Equal("cuda", api.Environment["Inference__ExecutionProvider"]);
        Assert.Equal("${INFERENCE_API_IMAGE:-inference-api:latest-cuda}", api.Image);
        Assert.All(file.Services.Where(pair => pair.Key != Api), pair => Assert.Null(pair.Value.Deploy?.Resources?.Reservations));
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
    public async Task SecretsReachTheComposeFileOnlyAsRequiredEnvFileVariables()
    {
        var deployment = await PublishedAppModel.GenerateComposeAsync(new ComposeOptions());

        var passwords = deployment.File.Services.Values
            .SelectMany(service => service.Environment)
            .Where(variable => variable.Key.EndsWith("PASSWORD", StringComparison.Ordinal) || variable.Value.Contains("assword="))
            .ToList();
        Assert.NotEmpty(passwords);
        Assert.All(passwords, variable => Assert.Matches(@"\$\{(POSTGRES|REDIS)_PASSWORD:\?", variable.Value));
        var secrets = deployment.Environment.Entries.Where(entry => entry.IsRequired).ToList();
        Assert.Equal(["POSTGRES_PASSWORD", "REDIS_PASSWORD", "INFERENCE_ADMIN_KEY"], secrets.Select(entry => entry.Name));
        Assert.All(secrets, entry => Assert.Empty(entry.Value));
        // Only the API holds the bootstrap key; the admin console holds none (people sign in with theirs).
        var adminKeys = deployment.File.Services.SelectMany(service => service.Value.Environment, (service, variable) => (Service: service.Key, variable.Key, variable.Value))
            .Where(variable => variable.Value.Contains("INFERENCE_ADMIN_KEY", StringComparison.Ordinal)).ToList();
        var adminKey = Assert.Single(adminKeys);
        Assert.Equal((Api, "Inference__Auth__BootstrapAdminKey"), (adminKey.Service, adminKey.Key));
        Assert.StartsWith("${INFERENCE_ADMIN_KEY:?", adminKey.Value);
        Assert.DoesNotContain(deployment.File.Services["inference-dashboard"].Environment.Keys, name => name.Contains("ApiKey", StringComparison.OrdinalIgnoreCase));
    }
}
