using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Inference.Api.Monitoring;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Inference.Api.Security;

/// <summary>
/// The <c>ApiKey</c> scheme: a key in <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-API-Key: &lt;key&gt;</c> (gRPC clients
/// send the same as metadata). No key means anonymous; a wrong or revoked key fails.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyValidator validator,
    FailedKeyThrottle failedKeys,
    PlatformTelemetry telemetry)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ApiKeyHeader = "X-API-Key";

    private const string BearerPrefix = "Bearer ";
    // Neither the key nor its prefix: failures are logged by ASP.NET Core with this message.
    private const string InvalidKeyMessage = "The API key is not valid, has expired or has been revoked.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HasCredentials(Request, out var presented))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await validator.ValidateAsync(presented, Context.RequestAborted);
        if (key is null)
        {
            await failedKeys.RecordFailureAsync(Context.Connection.RemoteIpAddress, Context.RequestAborted);
            return AuthenticateResult.Fail(InvalidKeyMessage);
        }

        var claims = new List<Claim>(key.Scopes.Count + 4) { new(ApiKeyClaims.KeyId, key.Id), new(ApiKeyClaims.KeyName, key.Name) };
        claims.AddRange(key.Scopes.Select(scope => new Claim(ApiKeyClaims.Scope, scope)));
        if (key.RateLimit is { } rateLimit)
        {
            claims.Add(new(ApiKeyClaims.RateLimitPermits, rateLimit.PermitLimit.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new(ApiKeyClaims.RateLimitWindow, rateLimit.Window.ToString("c", CultureInfo.InvariantCulture)));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ApiKeyClaims.KeyId, roleType: null));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>Whether the request carries a key, in either header.</summary>
    public static bool HasCredentials(HttpRequest request, out string key)
    {
        key = request.Headers[ApiKeyHeader].ToString();
        if (key.Length > 0)
        {
            return true;
        }
        var authorization = request.Headers.Authorization.ToString();
        key = authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? authorization[BearerPrefix.Length..].Trim() : "";
        return key.Length > 0;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var invalid = result.Failure is not null;
        telemetry.RecordAuthenticationFailure(invalid ? "invalid_key" : "missing_key");
        Response.Headers[HeaderNames.WWWAuthenticate] = invalid
            ? "Bearer realm=\"inference\", error=\"invalid_token\""
            : "Bearer realm=\"inference\"";
        await AccessErrorResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            invalid ? InvalidKeyMessage : $"This route needs an API key: send 'Authorization: Bearer <key>' or '{ApiKeyHeader}: <key>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        telemetry.RecordAuthenticationFailure("forbidden");
        return AccessErrorResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            // Every valid key carries infer (admin implies it), so only admin routes can forbid.
            $"This route needs a key with the '{AccessPolicies.Admin}' scope.");
    }
}
