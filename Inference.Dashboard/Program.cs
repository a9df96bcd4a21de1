using Inference.Dashboard.Components;
using Inference.Dashboard.Extensions;
using Inference.Dashboard.Security;

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
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDashboardDownloads();
app.MapSignOut();
// Every page needs a signed-in key; the sign-in page opts out with [AllowAnonymous].
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .RequireAuthorization();

app.Run();
