using Inference.Dashboard.Services;
using MudBlazor.Services;

namespace Inference.Dashboard.Extensions;

/// <summary>Composition of the dashboard: UI components and the client for the inference API.</summary>
public static class DashboardServiceExtensions
{
    /// <summary>Configuration key of the inference API's base address.</summary>
    public const string InferenceApiBaseAddressKey = "InferenceApi:BaseAddress";

    /// <summary>Configuration key of the API key the dashboard sends (the AppHost passes the admin key).</summary>
    public const string InferenceApiKeyKey = "InferenceApi:ApiKey";

    // Resolved by Aspire service discovery: https when the API exposes it, http otherwise.
    private const string DefaultInferenceApiBaseAddress = "https+http://inference-api";

    /// <summary>
    /// Adds MudBlazor, interactive server components and the typed <see cref="InferenceApiClient"/>.
    /// </summary>
    public static IHostApplicationBuilder AddDashboardServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents();

        builder.Services.AddMudServices();

        var baseAddress = builder.Configuration[InferenceApiBaseAddressKey] is { Length: > 0 } configured
            ? configured
            : DefaultInferenceApiBaseAddress;

        var apiKey = builder.Configuration[InferenceApiKeyKey];
        builder.Services.AddHttpClient<InferenceApiClient>(client =>
        {
            client.BaseAddress = new Uri(baseAddress);
            if (!string.IsNullOrEmpty(apiKey))
            {
                client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
            }
        });

        return builder;
    }
}
