using Inference.Api.Caching;
using Inference.Api.Security;
using Inference.Api.Serving;
using Microsoft.Net.Http.Headers;

namespace Inference.Api.Apis;

/// <summary>
/// The HTTP side of routing and caching, shared by every HTTP prediction route: the sticky id, the cache opt-out
/// and the <c>X-Model-Version</c> / <c>X-Cache</c> response headers.
/// </summary>
public static class PredictionHeaders
{
    public const string ClientId = "X-Client-Id";
    public const string ModelVersion = "X-Model-Version";
    public const string Cache = "X-Cache";

    /// <summary>The authenticated key's id (claim <c>key_id</c>), or null when anonymous.</summary>
    public static string? KeyId(HttpContext context) => context.User.FindFirst(ApiKeyClaims.KeyId)?.Value;

    /// <summary>What keeps a caller on one version: a client id (body field, else header), else the API key.</summary>
    public static string? StickyId(HttpContext context, string? bodyClientId) =>
        NullIfEmpty(bodyClientId) ?? NullIfEmpty(context.Request.Headers[ClientId].ToString()) ?? KeyId(context);

    /// <summary>
    /// False when the request opts out: <c>Cache-Control: no-cache</c> or <c>no-store</c>, query <c>cache=false</c>,
    /// or a body field <c>cache: false</c>.
    /// </summary>
    public static bool UseCache(HttpRequest request, bool? bodyCache)
    {
        if (bodyCache == false || (bool.TryParse(request.Query["cache"], out var queryCache) && !queryCache))
        {
            return false;
        }

        return !(request.Headers.CacheControl.Count > 0
                 && CacheControlHeaderValue.TryParse(request.Headers.CacheControl.ToString(), out var cacheControl)
                 && (cacheControl.NoCache || cacheControl.NoStore));
    }

    public static void Write(HttpResponse response, ServedPrediction prediction) =>
        Write(response, prediction.Result.Version, prediction.Cache);

    /// <summary>X-Model-Version and X-Cache of any answer.</summary>
    public static void Write(HttpResponse response, int version, CacheOutcome cache)
    {
        response.Headers[ModelVersion] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[Cache] = cache switch
        {
            CacheOutcome.Hit => "HIT",
            CacheOutcome.Miss => "MISS",
            _ => "BYPASS",
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
