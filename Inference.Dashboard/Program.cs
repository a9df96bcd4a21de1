using Inference.Dashboard.Components;
using Inference.Dashboard.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddDashboardServices();

var app = builder.Build();

app.UseSecurityHeaders(DashboardContentSecurityPolicy.For);
app.MapDefaultEndpoints();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDashboardDownloads();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
