using Inference.Api.OpenInference;
using Inference.Api.Routing;
using Inference.Api.Serving;

namespace Inference.Api.Apis;

/// <summary>
/// Endpoint filters that ask the model's batcher for admission before a handler does any work: after the key check and
/// the rate limits (middleware, which run first) and inside each group's error filter, so a refusal takes the transport's
/// one error mapping (ProblemDetails on /api, <c>{"error"}</c> on /v2). Uploads and tensors are not read yet; a text body,
/// which names its model, is bound (small JSON) but not hashed, looked up in the cache or tokenized. The version admitted
/// is kept for the handler (<see cref="Routed"/>), so the request is served by the version whose queue was checked.
/// </summary>
public static class EarlyAdmission
{
    private static readonly object RoutedKey = new();

    /// <summary>The traffic split's choice admission made for this request, if it made one.</summary>
    public static TrafficDecision? Routed(HttpContext context) =>
        context.Items.TryGetValue(RoutedKey, out var decision) ? (TrafficDecision?)decision : null;

    public static ValueTask<object?> Text(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.Arguments.OfType<TextPredictionRequest>().FirstOrDefault() is { Text: not null } request)
        {
            var http = context.HttpContext;
            Keep(http, Serving(http).CheckTextAdmission(new ServingCall(PredictionApi.TextRoute, request.Model, request.Version,
                PredictionHeaders.StickyId(http, request.ClientId), PredictionHeaders.KeyId(http))));
        }
        return next(context);
    }

    public static ValueTask<object?> Image(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var query = http.Request.Query;
        // A version that does not parse is the handler's to refuse.
        if (ProtocolVersions.TryParse(query["version"].ToString(), out var version))
        {
            Keep(http, Serving(http).CheckImageAdmission(new ServingCall(PredictionApi.ImageRoute, NullIfEmpty(query["model"]), version,
                PredictionHeaders.StickyId(http, NullIfEmpty(query["clientId"])), PredictionHeaders.KeyId(http))));
        }
        return next(context);
    }

    public static ValueTask<object?> Tensors(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.RouteValues["name"] is string name
            && ProtocolVersions.TryParse(http.Request.RouteValues["version"] as string, out var version))
        {
            Keep(http, Serving(http).CheckTensorAdmission(new ServingCall(OpenInferenceApi.PredictionRoute, name, version,
                PredictionHeaders.StickyId(http, null), PredictionHeaders.KeyId(http))));
        }
        return next(context);
    }

    private static void Keep(HttpContext context, TrafficDecision? decision)
    {
        if (decision is { } routed)
        {
            context.Items[RoutedKey] = routed;
        }
    }

    private static InferenceService Serving(HttpContext context) => context.RequestServices.GetRequiredService<InferenceService>();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
