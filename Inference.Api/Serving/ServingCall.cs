using Inference.Api.Routing;
using Inference.Engine.Execution;

namespace Inference.Api.Serving;

/// <summary>Who asks, and how, for any prediction: the protocol-neutral part of every request.</summary>
/// <param name="Route">How the prediction log labels the request (<c>predict/text</c>, <c>v2/infer</c>, <c>grpc/infer</c>, ...).</param>
/// <param name="Model">The model asked for; null for the default model of the task.</param>
/// <param name="Version">An explicit version, which overrides the traffic split.</param>
/// <param name="StickyId">Keeps a caller on one version of a split (a client id, else the API key).</param>
/// <param name="KeyId">The API key's id, for the log; null when anonymous.</param>
/// <param name="UseCache">False when the caller opted out of the cache.</param>
/// <param name="Priority">Background work (batch jobs, shadow copies) runs in the slots online requests leave free.</param>
/// <param name="Logged">False for work whose results are stored elsewhere (batch-job items).</param>
/// <param name="Routed">
/// The traffic split's choice already made for this request by admission at the door, so the version that was admitted
/// is the version that serves (a random split drawn twice could pick another); null to route on the serving path.
/// </param>
public sealed record ServingCall(
    string Route,
    string? Model,
    int? Version,
    string? StickyId,
    string? KeyId,
    bool UseCache = true,
    InferencePriority Priority = InferencePriority.Online,
    bool Logged = true,
    TrafficDecision? Routed = null);
