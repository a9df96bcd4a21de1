using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Inference.Tests.Deployment;

/// <summary>Services read secrets from mounted files: <c>{secret:name}</c> in a configuration value is the file's content.</summary>
public sealed class SecretFileReferenceTests : IDisposable
{
    private readonly string _secrets = Directory.CreateTempSubdirectory("secrets-").FullName;

    [Fact]
    public void ReferencesAreReplacedByTheFilesContentWithoutTheTrailingNewline()
    {
        File.WriteAllText(Path.Combine(_secrets, "postgres-password"), "s3cret-value\n");
        File.WriteAllText(Path.Combine(_secrets, "inference-admin-key"), "admin-key");
        var configuration = Configuration(new()
        {
            ["ConnectionStrings:inferencedb"] = "Host=postgres;Password={secret:postgres-password};Database=inferencedb",
            ["Inference:Auth:BootstrapAdminKey"] = "{secret:inference-admin-key}",
            ["Inference:ModelRoots:0"] = "/models",
        });

        configuration.AddSecretFileReferences();

        Assert.Equal("Host=postgres;Password=s3cret-value;Database=inferencedb", configuration.GetConnectionString("inferencedb"));
        Assert.Equal("admin-key", configuration["Inference:Auth:BootstrapAdminKey"]);
        Assert.Equal("/models", configuration["Inference:ModelRoots:0"]);
    }

    [Fact]
    public void AMissingSecretFileStopsTheStartNamingTheSettingAndTheFile()
    {
        var configuration = Configuration(new() { ["ConnectionStrings:redis"] = "redis:6379,password={secret:redis-password}" });

        var error = Assert.Throws<InvalidOperationException>(() => configuration.AddSecretFileReferences());

        Assert.Contains("ConnectionStrings:redis", error.Message);
        Assert.Contains(Path.Combine(_secrets, "redis-password"), error.Message);
    }

    private ConfigurationManager Configuration(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(values);
        configuration[SecretFileReferences.DirectoryKey] = _secrets;
        return configuration;
    }

    public void Dispose() => Directory.Delete(_secrets, recursive: true);
}
