using Inference.Api.Apis;
using Inference.Api.Auditing;
using Inference.Api.Caching;
using Inference.Api.Data;
using Inference.Api.Grpc;
using Inference.Api.Jobs;
using Inference.Api.OpenInference;
using Inference.Api.RateLimiting;
using Inference.Api.Resilience;
using Inference.Api.Routing;
using Inference.Api.Security;
using Inference.Api.Serving;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Inference.Engine;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Inference.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Registers the engine, model repository, storage (Postgres and Redis, or embedded), cache and prediction log.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        if (EmbeddedMode.IsOn(builder.Configuration))
        {
            builder.AddEmbeddedStorage();
        }
        else
        {
            builder.AddPostgresAndRedis();
        }

        services.AddOptions<InferenceOptions>()
            .Bind(builder.Configuration.GetSection(InferenceOptions.SectionName))
            .PostConfigure(options =>
            {
                // Relative roots are relative to the service's content root, not the working directory.
                options.ModelRoots = [.. options.ModelRoots.Select(root => Path.GetFullPath(root, builder.Environment.ContentRootPath))];
            });

        services.AddSingleton<InferenceTelemetry>();
        // Started with the host so that it counts from the first prediction on.
        services.AddSingleton<RecentTraffic>();
        services.AddHostedService(provider => provider.GetRequiredService<RecentTraffic>());
        services.AddSingleton<RecentHealth>();
        services.AddSingleton(provider => new ModelRepository(
            provider.GetRequiredService<IOptions<InferenceOptions>>(),
            provider.GetRequiredService<ILogger<ModelRepository>>(),
            provider.GetRequiredService<InferenceTelemetry>()));
        services.AddSingleton<InferenceEngine>();
        services.AddSingleton<PredictionCache>();
        services.AddSingleton<PredictionLog>();
        services.AddSingleton<ProtocolMetadata>();
        services.AddOptions<OpenInferenceOptions>().Bind(builder.Configuration.GetSection(OpenInferenceOptions.SectionName));

        // Hosted services start one after another, before the server listens: loading models first lets it run while
        // the migrator waits on Postgres (models need no database).
        services.AddHostedService<ModelLoadingService>();
        services.AddHostedService<DatabaseMigrator>();
        services.AddHostedService<PredictionLogWriter>();
        builder.AddTrafficServices();
        builder.AddBatchJobs();
        services.TryAddSingleton(TimeProvider.System);
        builder.AddApiKeyAccess();
        builder.AddApiRateLimits();
        builder.AddOpenInferenceGrpc();

        services.AddHealthChecks().AddCheck<ModelsHealthCheck>(ModelsHealthCheck.Name);
        // Binding failures throw in every environment so BadRequestExceptionHandler can say what was wrong.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        services.AddExceptionHandler<OpenInferenceExceptionHandler>();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = DescribeUnsupportedMediaType);
        services.AddOpenApi();
        return builder;
    }

    /// <summary>Cache and prediction log settings, traffic splits, shadow traffic, the prediction runner and analytics.</summary>
    private static void AddTrafficServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CacheOptions>().Bind(builder.Configuration.GetSection(CacheOptions.SectionName));
        services.AddOptions<PredictionLogOptions>().Bind(builder.Configuration.GetSection(PredictionLogOptions.SectionName));
        services.AddOptions<TrafficOptions>().Bind(builder.Configuration.GetSection(TrafficOptions.SectionName));
        services.AddSingleton<TrafficRouter>();
        services.AddSingleton<ShadowTraffic>();
        services.AddSingleton<InferenceService>();
        services.AddSingleton<ModelAdministration>();
        services.AddSingleton<AuditLog>();
        services.AddScoped<TrafficSplitStore>();
        services.AddScoped<PredictionHistory>();
        services.AddHostedService<TrafficSplitRefresher>();
        services.AddHostedService<PredictionLogRetention>();
    }

    /// <summary>A 415 from content-type negotiation says which content types the route accepts.</summary>
    private static void DescribeUnsupportedMediaType(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status != StatusCodes.Status415UnsupportedMediaType || context.ProblemDetails.Detail is not null)
        {
            return;
        }
        var accepted = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [];
        context.ProblemDetails.Detail = accepted.Count == 0
            ? $"Content type '{context.HttpContext.Request.ContentType}' is not accepted here."
            : $"This route accepts {string.Join(" or ", accepted)}, not '{context.HttpContext.Request.ContentType ?? "no content type"}'.";
    }

    /// <summary>Error handling, OpenAPI and every route group of the API.</summary>
    public static WebApplication MapInferenceApi(this WebApplication app)
    {
        app.UseSecurityHeaders(_ => SecurityHeaders.NoFraming);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseUnimplementedForUnknownGrpcServices();
        // Before authentication: an address past its failed-key budget gets no key lookup at all.
        app.UseFailedKeyThrottle();
        // Authorization before rate limiting: rejected callers spend no permits; partitions need the key's id.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseApiRateLimits();

        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapPredictionApi();
        app.MapLanguageApi();
        app.MapModelsApi();
        app.MapJobsApi();
        app.MapOpenInferenceApi();
        app.MapApiKeysApi();
        app.MapOpenInferenceGrpc().RequireInferAccess().WithRateLimit(RateLimitPolicies.Protocol);
        app.MapTrafficApi();
        app.MapAnalyticsApi();
        app.MapPredictionHistoryApi();
        app.MapAuditApi();
        app.MapDependenciesApi();
        app.MapCallerApi();
        app.MapOverviewApi();
        return app;
    }
}
