#pragma warning disable ASPIREPIPELINES001 // Pipeline steps are how Aspire 13 runs publishers.

using AppHost.Publishing;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aspire.Hosting;

/// <summary>Publishes the app model as <c>docker-compose.yaml</c>, its GPU override <c>docker-compose.gpu.yaml</c> and <c>.env.example</c>.</summary>
public static class ComposePublishingExtensions
{
    public const string PublisherName = "compose";
    public const string StepName = "publish-compose";

    /// <summary>
    /// Adds the <c>publish-compose</c> pipeline step. <c>--publisher compose --output-path &lt;folder&gt;</c> runs it
    /// alone, as <c>--publisher manifest</c> runs the manifest step; <c>aspire publish</c> runs it with the rest.
    /// Options come from the <c>Compose</c> configuration section (<see cref="ComposeOptions"/>). A relative output path is
    /// relative to the AppHost folder.
    /// </summary>
    public static IDistributedApplicationBuilder AddComposePublishing(this IDistributedApplicationBuilder builder)
    {
        if (string.Equals(builder.Configuration["Publishing:Publisher"], PublisherName, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(builder.Configuration["Pipeline:Step"]))
        {
            builder.Configuration["Pipeline:Step"] = StepName;
        }

        builder.Pipeline.AddStep(new PipelineStep
        {
            Name = StepName,
            Description = "Writes docker-compose.yaml, docker-compose.gpu.yaml and .env.example for the app model.",
            Action = context => PublishAsync(context, builder.Configuration, builder.AppHostDirectory),
            RequiredBySteps = [WellKnownPipelineSteps.Publish],
        });
        return builder;
    }

    private static async Task PublishAsync(PipelineStepContext context, IConfiguration configuration, string appHostDirectory)
    {
        var outputPath = context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.OutputPath
            ?? throw new DistributedApplicationException("Compose publishing needs '--output-path <folder>'.");
        var options = new ComposeOptions();
        configuration.GetSection(ComposeOptions.SectionName).Bind(options);
        options.OutputDirectory = Path.GetFullPath(outputPath, appHostDirectory);

        var deployment = await ComposeFileGenerator.GenerateAsync(context.Model, context.ExecutionContext, options, context.CancellationToken);

        Directory.CreateDirectory(options.OutputDirectory);
        var composePath = Path.Combine(options.OutputDirectory, ComposeDeployment.ComposeFileName);
        await File.WriteAllTextAsync(composePath, deployment.ToYaml(), context.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, ComposeDeployment.GpuOverrideFileName),
            deployment.GpuOverrideToYaml(), context.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, ComposeDeployment.EnvironmentExampleFileName),
            deployment.ToEnvironmentExample(), context.CancellationToken);
        context.Logger.LogInformation("Published Compose file to: {ComposePath}", composePath);
    }
}
