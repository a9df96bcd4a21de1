using System.Security.Cryptography;

namespace Inference.Dashboard.Extensions;

/// <summary>
/// The dashboard's Content-Security-Policy: scripts only from this origin plus the one inline import map, which carries a
/// per-request nonce; MudBlazor's inline styles; the circuit's WebSocket to this origin; never framed.
/// </summary>
public static class DashboardContentSecurityPolicy
{
    private const string NonceItem = "csp-nonce";

    /// <summary>This response's nonce, the same for the page that renders it and the header that allows it.</summary>
    public static string Nonce(HttpContext context)
    {
        if (context.Items[NonceItem] is not string nonce)
        {
            nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;
        }
        return nonce;
    }

    public static string For(HttpContext context) =>
        "default-src 'self'; "
        + $"script-src 'self' 'nonce-{Nonce(context)}'; "
        + "style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: blob:; "
        + "font-src 'self' data:; "
        + "connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
}
