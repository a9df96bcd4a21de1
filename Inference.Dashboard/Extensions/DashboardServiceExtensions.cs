using Inference.Dashboard.Security;
using Inference.Dashboard.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;

namespace Inference.Dashboard.Extensions;

/// <summary>Composition of the dashboard: UI components, sign-in and the client for the inference API.</summary>
public static class DashboardServiceExtensions
{
    /// <summary>Configuration key of the inference API's base address.</summary>
    public const string InferenceApiBaseAddressKey = "InferenceApi:BaseAddress";

    // Resolved by Aspire service discovery: https when the API exposes it, http otherwise.
    private const string DefaultInferenceApiBaseAddress = "https+http://inference-api";

    /// <summary>
    /// Adds MudBlazor, interactive server components, sign-in, and the typed <see cref="InferenceApiClient"/>, which sends
    /// the signed-in user's key.
    /// </summary>
    public static IHostApplicationBuilder AddDashboardServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents();

        builder.Services.AddMudServices();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddConsoleSignIn();

        var baseAddress = builder.Configuration[InferenceApiBaseAddressKey] is { Length: > 0 } configured
            ? configured
            : DefaultInferenceApiBaseAddress;

        builder.Services.AddHttpClient<InferenceApiClient>(client => client.BaseAddress = new Uri(baseAddress))
            .AddHttpMessageHandler<SignedInKeyHandler>();

        return builder;
    }
}
