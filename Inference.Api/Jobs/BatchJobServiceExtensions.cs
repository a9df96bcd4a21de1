using Inference.Api.Extensions;
using Inference.Engine.Repository;
using Microsoft.Extensions.Options;

namespace Inference.Api.Jobs;

public static class BatchJobServiceExtensions
{
    /// <summary>
    /// Registers durable batch jobs: the queue of items (the Redis Stream, or in embedded mode a database table), the job
    /// store, submission, and (unless <c>Jobs:ConsumerEnabled</c> is false) a consumer in this process, plus retention.
    /// </summary>
    public static IHostApplicationBuilder AddBatchJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(BatchJobOptions.SectionName);
        services.AddOptions<BatchJobOptions>().Bind(section);

        services.AddSingleton<JobTelemetry>();
        var embedded = EmbeddedMode.IsOn(builder.Configuration);
        if (embedded)
        {
            services.AddSingleton<DatabaseJobQueue>();
            services.AddSingleton<IJobQueue>(provider => provider.GetRequiredService<DatabaseJobQueue>());
        }
        else
        {
            services.AddSingleton<JobStream>();
            services.AddSingleton<IJobQueue>(provider => provider.GetRequiredService<JobStream>());
            // A stream that lost its data is refilled from the items stored with each job; a table queue cannot lose them.
            services.AddSingleton<JobQueueRestorer>();
        }
        services.AddSingleton<BatchJobStore>();
        services.AddSingleton<BatchJobSubmitter>();
        services.AddSingleton<IJobItemRunner, ServingJobItemRunner>();
        services.AddSingleton<JobItemProcessor>();
        services.AddSingleton(provider => new JobItemReader(
            provider.GetRequiredService<IOptions<BatchJobOptions>>().Value,
            provider.GetRequiredService<IOptions<InferenceOptions>>().Value));

        if (section.GetValue(nameof(BatchJobOptions.ConsumerEnabled), defaultValue: true))
        {
            if (embedded)
            {
                services.AddHostedService<EmbeddedJobWorker>();
            }
            else
            {
                services.AddHostedService<JobConsumer>();
            }
        }
        services.AddHostedService<JobRetentionService>();
        return builder;
    }
}
