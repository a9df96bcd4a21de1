using Inference.Api.Extensions;
using Inference.Api.Monitoring;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddManagementEndpoint();

var app = builder.Build();

app.MapManagementEndpoint();
app.MapDefaultEndpoints();
app.MapInferenceApi();

app.Run();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
