using AppHost.Publishing;
using AppHost.Publishing.Kubernetes;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Inference.Tests.Deployment;

/// <summary>
/// The AppHost's app model as publishing sees it (publish mode: Postgres and Redis as containers, no
/// container runtime needed), and the Compose deployment and Kubernetes manifests generated from it in-process.
/// </summary>
public static class PublishedAppModel
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(2);

    public static string DeployDirectory => Path.Combine(TestPaths.RepositoryRoot, "deploy");

    /// <summary>Generates the Compose deployment for the AppHost started with <paramref name="appHostArgs"/>.</summary>
    public static Task<ComposeDeployment> GenerateComposeAsync(ComposeOptions options, params string[] appHostArgs)
    {
        options.OutputDirectory = DeployDirectory;
        return WithAppModelAsync((model, context, cancellationToken) => ComposeFileGenerator.GenerateAsync(model, context, options, cancellationToken), appHostArgs);
    }

    /// <summary>Generates the Kubernetes manifests for the AppHost started with <paramref name="appHostArgs"/>.</summary>
    public static Task<KubernetesManifests> GenerateKubernetesAsync(KubernetesOptions options, params string[] appHostArgs)
    {
        var composeOptions = new ComposeOptions { OutputDirectory = Path.Combine(DeployDirectory, "k8s") };
        return WithAppModelAsync((model, context, cancellationToken) =>
            KubernetesPublishingExtensions.GenerateAsync(model, context, composeOptions, options, cancellationToken), appHostArgs);
    }

    private static async Task<T> WithAppModelAsync<T>(
        Func<DistributedApplicationModel, DistributedApplicationExecutionContext, CancellationToken, Task<T>> generate, string[] appHostArgs)
    {
        using var timeout = new CancellationTokenSource(BuildTimeout);
        // The manifest publisher puts the AppHost in publish mode. The AppHost's own Run() then publishes a
        // manifest while the test host shuts down, so it gets a scratch folder of its own.
        var scratch = Path.Combine(AppContext.BaseDirectory, "publish-scratch");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--publisher", "manifest", "--output-path", scratch, .. appHostArgs], timeout.Token);
        // That late publish is cancelled by the shutdown and says so; it is not what these tests look at.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Publishing.PipelineExecutor", LogLevel.None)
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None));
        await using var app = await builder.BuildAsync(timeout.Token);

        return await generate(
            app.Services.GetRequiredService<DistributedApplicationModel>(),
            app.Services.GetRequiredService<DistributedApplicationExecutionContext>(),
            timeout.Token);
    }
}
