using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Inference.Dashboard.Security;

public static class SignOutEndpoint
{
    /// <summary>
    /// <c>POST /signout</c>, from a form carrying an antiforgery token: drops the sign-in cookie and shows the sign-in page.
    /// Open to anonymous callers, so that an expired session can still sign out cleanly.
    /// </summary>
    public static IEndpointRouteBuilder MapSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost(ConsolePaths.SignOut, async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect(ConsolePaths.SignIn);
        }).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }
}
