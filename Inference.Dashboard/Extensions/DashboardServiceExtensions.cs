using Inference.Dashboard.Security;
using Inference.Dashboard.Services;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using Polly;

namespace Inference.Dashboard.Extensions;

/// <summary>Composition of the dashboard: UI components, sign-in and the client for the inference API.</summary>
public static class DashboardServiceExtensions
{
    /// <summary>Configuration key of the inference API's base address.</summary>
    public const string InferenceApiBaseAddressKey = "InferenceApi:BaseAddress";

    /// <summary>
    /// The largest message the browser may send over the circuit: the predict page's text field takes at most
    /// <see cref="MaximumTextFieldCharacters"/>, which is under this even at 6 JSON-escaped bytes a character.
    /// </summary>
    public const long MaximumCircuitMessageBytes = 2 * 1024 * 1024;

    /// <summary>The most characters a text field on the predict page takes (the API's own limit is lower and says so).</summary>
    public const int MaximumTextFieldCharacters = 200_000;

    // Resolved by Aspire service discovery: https when the API exposes it, http otherwise.
    private const string DefaultInferenceApiBaseAddress = "https+http://inference-api";

    /// <summary>
    /// Adds MudBlazor, interactive server components, sign-in, and the typed <see cref="InferenceApiClient"/>, which sends
    /// the signed-in user's key.
    /// </summary>
    public static IHostApplicationBuilder AddDashboardServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents()
            // A text of the API's full length (and a pasted one well past it, to be refused with the API's message) must
            // fit in one circuit message; the text field's maxlength keeps any paste below this.
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = MaximumCircuitMessageBytes);

        builder.Services.AddMudServices();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddConsoleSignIn();

        var baseAddress = builder.Configuration[InferenceApiBaseAddressKey] is { Length: > 0 } configured
            ? configured
            : DefaultInferenceApiBaseAddress;

        builder.Services.AddHttpClient<InferenceApiClient>(client => client.BaseAddress = new Uri(baseAddress))
            .AddHttpMessageHandler<SignedInKeyHandler>();

        // Uploads stream from the browser into the request body once; a retry would send a drained stream, and a retried
        // load, unload or job submission would act twice, so only safe methods are retried.
        builder.Services.Configure<HttpStandardResilienceOptions>($"{nameof(InferenceApiClient)}-standard",
            options =>
            {
                // A 429 is the API's answer for this caller (its rate limit, or its failed-key budget for the browser's
                // address), not a fault: retrying it would hold the page for the whole Retry-After, and counting it would
                // open the circuit for everyone else.
                options.Retry.ShouldHandle = args => ValueTask.FromResult(IsTransientFault(args.Outcome));
                options.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFault(args.Outcome));
                // After ShouldHandle is set: it wraps it.
                options.Retry.DisableForUnsafeHttpMethods();
                // Loading a model, or uploading a version that the API loads and warms before answering, takes longer than
                // the default 10 s on a busy server; the breaker's window must span at least two attempts.
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(60);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(120);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(120);
            });

        return builder;
    }

    private static bool IsTransientFault(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != System.Net.HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(outcome);
}
