using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;

namespace Inference.Dashboard.Security;

/// <summary>
/// Ends the session of a key the API no longer accepts at the next request for a page (or the circuit): the cookie is
/// dropped, and the sign-in page says why. A session that goes on is marked with the browser's address.
/// </summary>
public sealed class SignedInKeyCookieEvents(SignedInKeyCheck keys, ILogger<SignedInKeyCookieEvents> logger) : CookieAuthenticationEvents
{
    /// <summary>Set on the request whose cookie was refused, so the sign-in page it ends on can say why.</summary>
    public const string SessionEndedItem = "console-session-ended";

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (ConsoleClaims.KeyOf(context.Principal) is not { } key)
        {
            context.RejectPrincipal();
            return;
        }
        if (await keys.CheckAsync(key, context.HttpContext.RequestAborted) != SignedInKeyStatus.Rejected)
        {
            // Not renewed: the address lives on this request's user (and a circuit it starts), never in the cookie.
            context.ReplacePrincipal(ConsoleClaims.WithClientAddress(context.Principal!, context.HttpContext.Connection.RemoteIpAddress));
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        context.HttpContext.Items[SessionEndedItem] = true;
        logger.LogInformation("Signed out key {KeyId}: the API no longer accepts it", context.Principal?.FindFirst(ConsoleClaims.KeyId)?.Value);
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (context.HttpContext.Items.ContainsKey(SessionEndedItem))
        {
            context.RedirectUri = QueryHelpers.AddQueryString(context.RedirectUri, ConsolePaths.SessionEndedParameter, "1");
        }
        return base.RedirectToLogin(context);
    }
}
