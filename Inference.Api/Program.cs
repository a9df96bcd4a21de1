using Inference.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapInferenceApi();

app.Run();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
