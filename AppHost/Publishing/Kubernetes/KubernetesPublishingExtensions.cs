#pragma warning disable ASPIREPIPELINES001 // Pipeline steps are how Aspire 13 runs publishers.

using AppHost.Publishing;
using AppHost.Publishing.Kubernetes;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aspire.Hosting;

/// <summary>Publishes the app model as kustomize folders for Kubernetes: <c>base/</c> and <c>overlays/gpu/</c>.</summary>
public static class KubernetesPublishingExtensions
{
    public const string PublisherName = "kubernetes";
    public const string StepName = "publish-kubernetes";

    /// <summary>
    /// Adds the <c>publish-kubernetes</c> pipeline step; <c>--publisher kubernetes --output-path &lt;folder&gt;</c> runs it
    /// alone. Options come from the <c>Kubernetes</c> configuration section (<see cref="KubernetesOptions"/>) and, for what
    /// both deployments share (limits, start periods), the <c>Compose</c> section.
    /// </summary>
    public static IDistributedApplicationBuilder AddKubernetesPublishing(this IDistributedApplicationBuilder builder)
    {
        if (string.Equals(builder.Configuration["Publishing:Publisher"], PublisherName, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(builder.Configuration["Pipeline:Step"]))
        {
            builder.Configuration["Pipeline:Step"] = StepName;
        }

        builder.Pipeline.AddStep(new PipelineStep
        {
            Name = StepName,
            Description = "Writes the kustomize base and gpu overlay for the app model.",
            Action = context => PublishAsync(context, builder.Configuration, builder.AppHostDirectory),
            RequiredBySteps = [WellKnownPipelineSteps.Publish],
        });
        return builder;
    }

    /// <summary>The manifests for the app model, generated in-process (the publish step and the tests both use it).</summary>
    public static async Task<KubernetesManifests> GenerateAsync(
        DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext,
        ComposeOptions composeOptions, KubernetesOptions options, CancellationToken cancellationToken)
    {
        var compose = await ComposeFileGenerator.GenerateAsync(model, executionContext, composeOptions, cancellationToken,
            fixedProxyAddresses: false);
        return KubernetesManifestGenerator.Generate(model, compose, composeOptions, options);
    }

    private static async Task PublishAsync(PipelineStepContext context, IConfiguration configuration, string appHostDirectory)
    {
        var outputPath = context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.OutputPath
            ?? throw new DistributedApplicationException("Kubernetes publishing needs '--output-path <folder>'.");
        var outputDirectory = Path.GetFullPath(outputPath, appHostDirectory);
        var composeOptions = new ComposeOptions();
        configuration.GetSection(ComposeOptions.SectionName).Bind(composeOptions);
        composeOptions.OutputDirectory = outputDirectory;
        var options = new KubernetesOptions();
        configuration.GetSection(KubernetesOptions.SectionName).Bind(options);

        var manifests = await GenerateAsync(context.Model, context.ExecutionContext, composeOptions, options, context.CancellationToken);
        await KubernetesFiles.WriteAsync(outputDirectory, manifests, context.CancellationToken);
        context.Logger.LogInformation("Published Kubernetes manifests to: {Folder}", outputDirectory);
    }
}
