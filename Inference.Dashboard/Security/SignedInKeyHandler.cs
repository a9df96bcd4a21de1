using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.HttpOverrides;

namespace Inference.Dashboard.Security;

/// <summary>
/// Sends the signed-in user's key with every call to the API: from the circuit's authentication state in interactive
/// components, from the request's user while a page is rendered on the server. A request that already names a key (the
/// sign-in check) keeps it. Each call also names the browser's address in <c>X-Forwarded-For</c>: the console is a proxy
/// for the people using it, and the API (which trusts it as one) then keeps their failed-key budgets apart.
/// </summary>
public sealed class SignedInKeyHandler(CircuitServicesAccessor circuit, IHttpContextAccessor httpContext) : DelegatingHandler
{
    public const string ApiKeyHeader = "X-API-Key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var user = await CurrentUserAsync();
        if (!request.Headers.Contains(ApiKeyHeader) && ConsoleClaims.KeyOf(user) is { } key)
        {
            request.Headers.Add(ApiKeyHeader, key);
        }
        // A page request (and the sign-in form) knows its browser; a circuit knows it from the request that started it.
        var client = circuit.Services is not null
            ? ConsoleClaims.ClientAddressOf(user)
            : httpContext.HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (client is not null && !request.Headers.Contains(ForwardedHeadersDefaults.XForwardedForHeaderName))
        {
            request.Headers.Add(ForwardedHeadersDefaults.XForwardedForHeaderName, client);
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
