using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Inference.Dashboard.Security;

/// <summary>
/// The circuit's user, checked again every <see cref="SignedInKeyCheckOptions.RecheckInterval"/>: a live circuit makes no
/// request that the cookie could be checked on, so once the API refuses the key the circuit's user becomes anonymous, and
/// the page (every page needs a signed-in user) goes to the sign-in page, which then drops the cookie and says why.
/// </summary>
public sealed class SignedInKeyRevalidation(ILoggerFactory loggerFactory, SignedInKeyCheck keys, IOptions<SignedInKeyCheckOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RecheckInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        ConsoleClaims.KeyOf(authenticationState.User) is not { } key
        || await keys.CheckAsync(key, cancellationToken) != SignedInKeyStatus.Rejected;
}
