namespace Inference.Dashboard.Security;

/// <summary>The console's own routes around signing in.</summary>
public static class ConsolePaths
{
    public const string SignIn = "/signin";
    public const string SignOut = "/signout";

    /// <summary>Where a signed-in key lands on a page its scopes do not allow.</summary>
    public const string AccessDenied = "/forbidden";

    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>On the sign-in page: the previous session ended because the API no longer accepts its key.</summary>
    public const string SessionEndedParameter = "ended";

    /// <summary>
    /// <paramref name="returnUrl"/> when it stays on this site (a path, not <c>//host</c> or an absolute URL), so sign-in
    /// cannot be used to send people elsewhere; otherwise the home page.
    /// </summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
