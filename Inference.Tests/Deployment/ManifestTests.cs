using System.Text.Json;

namespace Inference.Tests.Deployment;

/// <summary>The checked-in <c>aspire-manifest.json</c>, which azd deploys from.</summary>
public sealed class ManifestTests
{
    private static readonly JsonElement Resources =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "aspire-manifest.json"))).RootElement.GetProperty("resources");

    [Theory]
    [InlineData("postgres")]
    [InlineData("redis")]
    public void InfrastructureIsAContainerWithADataVolume(string name)
    {
        var resource = Resources.GetProperty(name);

        Assert.Equal("container.v0", resource.GetProperty("type").GetString());
        Assert.Single(resource.GetProperty("volumes").EnumerateArray());
    }

    [Theory]
    [InlineData("postgres-password")]
    [InlineData("redis-password")]
    public void SecretsAreGeneratedSecretParameters(string name)
    {
        var parameter = Resources.GetProperty(name);
        var input = parameter.GetProperty("inputs").GetProperty("value");

        Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
        Assert.True(input.GetProperty("secret").GetBoolean());
        Assert.True(input.GetProperty("default").TryGetProperty("generate", out _));
    }

    [Fact]
    public void ProjectPathsAreRelativeSoAnyCloneReproducesTheFile()
    {
        var paths = Resources.EnumerateObject()
            .Where(resource => resource.Value.TryGetProperty("path", out _))
            .Select(resource => resource.Value.GetProperty("path").GetString()!)
            .ToList();

        Assert.Equal(["Inference.Api/Inference.Api.csproj", "Inference.Dashboard/Inference.Dashboard.csproj"], paths);
    }

    [Fact]
    public void ApiIsConfiguredForTheDeployedContainer()
    {
        var environment = Resources.GetProperty("inference-api").GetProperty("env");

        Assert.Equal("/models", environment.GetProperty("Inference__ModelRoots__0").GetString());
        Assert.Equal("cpu", environment.GetProperty("Inference__ExecutionProvider").GetString());
        Assert.False(environment.TryGetProperty("Database__MigrateOnStartup", out _));
    }

    [Fact]
    public void ApiPublishesItsGrpcEndpointAsCleartextHttp2OnAFixedContainerPort()
    {
        var api = Resources.GetProperty("inference-api");
        var grpc = api.GetProperty("bindings").GetProperty("grpc");

        Assert.Equal(("http", "http2", 8081, true),
            (grpc.GetProperty("scheme").GetString(), grpc.GetProperty("transport").GetString(), grpc.GetProperty("targetPort").GetInt32(), grpc.GetProperty("external").GetBoolean()));
        Assert.Equal("{inference-api.bindings.grpc.targetPort}", api.GetProperty("env").GetProperty("GRPC_PORT").GetString());
        Assert.Equal("{inference-api.bindings.http.targetPort};{inference-api.bindings.grpc.targetPort};{inference-api.bindings.management.targetPort}",
            api.GetProperty("env").GetProperty("HTTP_PORTS").GetString());
    }
}
