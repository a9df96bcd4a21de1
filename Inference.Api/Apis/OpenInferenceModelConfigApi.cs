using Inference.Api.OpenInference;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inference.Api.Apis;

/// <summary>Triton's model configuration extension over REST: <c>GET /v2/models/{name}[/versions/{version}]/config</c>.</summary>
public static class OpenInferenceModelConfigApi
{
    /// <summary>Maps the configuration routes on the protocol's metadata group (its access rules and error filter apply).</summary>
    public static RouteGroupBuilder MapOpenInferenceModelConfig(this RouteGroupBuilder metadata)
    {
        metadata.MapGet("models/{name}/config", ModelConfig).WithName("OipModelConfig")
            .WithSummary("Model configuration as Triton's ModelConfig JSON: max_batch_size, input/output dims (without the batch dimension when max_batch_size > 0), dynamic_batching, instance_group")
            .Produces<OpenInferenceError>(StatusCodes.Status404NotFound).Produces<OpenInferenceError>(StatusCodes.Status503ServiceUnavailable);
        metadata.MapGet("models/{name}/versions/{version}/config", ModelConfig).WithName("OipModelVersionConfig")
            .WithSummary("Configuration of one model version")
            .Produces<OpenInferenceError>(StatusCodes.Status400BadRequest).Produces<OpenInferenceError>(StatusCodes.Status404NotFound)
            .Produces<OpenInferenceError>(StatusCodes.Status503ServiceUnavailable);
        return metadata;
    }

    public static ContentHttpResult ModelConfig(string name, string? version, ProtocolMetadata metadata) =>
        TypedResults.Content(
            ModelConfigDescription.ToJson(metadata.Configuration(name, ProtocolVersions.Parse(version))),
            "application/json");
}
