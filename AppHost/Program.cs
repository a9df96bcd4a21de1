var builder = DistributedApplication.CreateBuilder(args);
builder.AddComposePublishing();
builder.AddKubernetesPublishing();

var infrastructure = builder.AddInferenceInfrastructure();
var adminKey = builder.AddAdminKeyParameter();

var api = builder.AddProject<Projects.Inference_Api>("inference-api")
    // The API reads connection strings only; per-property variables would spread the secrets further.
    .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
    .WithInferenceStorage(infrastructure)
    .WithEnvironment("Inference__Auth__BootstrapAdminKey", adminKey)
    .WithModelRoots()
    .WithGpuExecution()
    .WithGrpcEndpoint()
    .WithExternalHttpEndpoints()
    .WithManagementEndpoint()
    .WithHttpProbe(ProbeType.Readiness, "/health", endpointName: "http")
    .WithHttpProbe(ProbeType.Liveness, "/alive", endpointName: "http");

if (builder.ExecutionContext.IsRunMode)
{
    // Development runs keep the schema current on start; deployments run a migration step instead.
    api.WithEnvironment("Database__MigrateOnStartup", "true");
    // As deployed: the client address comes from X-Forwarded-For when a trusted proxy (here, anything on loopback, such
    // as the admin console calling for a browser) sends it, so failed-key budgets and logs see people, not the console.
    api.WithEnvironment("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
    // Local replicas (deployments set Compose:Replicas) share batch-job items through one Redis consumer group.
    if (int.TryParse(builder.Configuration["Inference:ApiReplicas"], out var replicas) && replicas > 1)
    {
        api.WithReplicas(replicas);
    }
}
else
{
    var migrations = builder.AddMigrationBundle("inference-migrations")
        .WithReference(infrastructure.RequiredDatabase).WaitFor(infrastructure.RequiredDatabase);
    api.WaitForCompletion(migrations);
}

// The admin console holds no key of its own: people sign in with theirs, and it calls the API with the signed-in key.
var dashboard = builder.AddProject<Projects.Inference_Dashboard>("inference-dashboard")
    .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ServiceDiscovery | ReferenceEnvironmentInjectionFlags.ConnectionString)
    .WithReference(api).WaitFor(api)
    // Sign-in cookies are protected by a key ring kept in Redis (embedded mode: a folder), so they survive restarts and
    // work on every replica; the ring is sealed with a secret of the console's own before it is stored.
    .WithKeyRingStore(infrastructure)
    .WithEnvironment("Console__DataProtection__KeyRingSecret", builder.AddConsoleKeyRingSecret())
    .WithExternalHttpEndpoints()
    .WithHttpProbe(ProbeType.Readiness, "/health", endpointName: "http")
    .WithHttpProbe(ProbeType.Liveness, "/alive", endpointName: "http");

// The console names each browser's address to the API, which keeps failed-key budgets per person with it.
api.WithTrustedProxy(dashboard);

if (builder.ExecutionContext.IsRunMode)
{
    dashboard.WithSignInHint(adminKey);
    // As deployed, where it sits behind a reverse proxy: the browser's address, which it passes on to the API.
    dashboard.WithEnvironment("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
}

builder.Build().Run();
