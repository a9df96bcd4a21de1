var builder = DistributedApplication.CreateBuilder(args);

var (inferenceDb, redis) = builder.AddInferenceInfrastructure();

var api = builder.AddProject<Projects.Inference_Api>("inference-api")
    .WithReference(inferenceDb).WaitFor(inferenceDb)
    .WithReference(redis).WaitFor(redis)
    .WithModelRoots()
    .WithHttpHealthCheck("/health");

if (builder.ExecutionContext.IsRunMode)
{
    // Development runs keep the schema current on start; deployments run a migration step instead.
    api.WithEnvironment("Database__MigrateOnStartup", "true");
}

builder.AddProject<Projects.Inference_Dashboard>("inference-dashboard")
    .WithReference(api).WaitFor(api)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
