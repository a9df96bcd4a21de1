using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Inference.Dashboard.Security;

/// <summary>
/// Sends the signed-in user's key with every call to the API: from the circuit's authentication state in interactive
/// components, from the request's user while a page is rendered on the server. A request that already names a key (the
/// sign-in check) keeps it.
/// </summary>
public sealed class SignedInKeyHandler(CircuitServicesAccessor circuit, IHttpContextAccessor httpContext) : DelegatingHandler
{
    public const string ApiKeyHeader = "X-API-Key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.Contains(ApiKeyHeader) && ConsoleClaims.KeyOf(await CurrentUserAsync()) is { } key)
        {
            request.Headers.Add(ApiKeyHeader, key);
        }
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<ClaimsPrincipal?> CurrentUserAsync()
    {
        if (circuit.Services?.GetService<AuthenticationStateProvider>() is { } circuitState)
        {
            return (await circuitState.GetAuthenticationStateAsync()).User;
        }
        return httpContext.HttpContext?.User;
    }
}
