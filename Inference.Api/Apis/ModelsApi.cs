using System.Security.Claims;
using Inference.Api.Auditing;
using Inference.Api.Caching;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Inference.Api.Serving;
using Inference.Engine.Repository;
using Inference.Engine.Tensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inference.Api.Apis;

/// <summary>One version of a model: its state (an unloaded version is UNAVAILABLE) and, while loaded, how it runs.</summary>
public sealed record ModelVersionSummary(int Version, string State, string? ExecutionProvider, string? ExecutionProviderFallback, long? MemoryBytes);

/// <summary>
/// A model as the catalogue lists it; for text models also the tokenizer it was read from (e.g. <c>tokenizer.json (BPE)</c>),
/// the token limit, whether it is multi-label (and its threshold) and whether it can answer zero-shot questions (NLI).
/// </summary>
public sealed record ModelSummary(
    string Name,
    string? Task,
    string? Description,
    string Status,
    string? Reason,
    IReadOnlyList<int> Versions,
    int? LatestVersion,
    IReadOnlyList<string> Labels,
    string? ExecutionProvider,
    string? ExecutionProviderFallback,
    long? MemoryBytes,
    int? MaxBatchSize,
    IReadOnlyList<TensorDescription> Inputs,
    IReadOnlyList<TensorDescription> Outputs,
    string? Tokenizer,
    int? MaxSequenceLength,
    bool MultiLabel,
    float? Threshold,
    bool ZeroShot,
    IReadOnlyList<ModelVersionSummary> VersionDetails)
{
    public static ModelSummary From(ModelEntry entry)
    {
        var latest = entry.LatestVersion is { } version ? entry.Versions[version] : null;
        return new ModelSummary(
            entry.Name,
            entry.Configuration?.Task,
            entry.Configuration?.Description,
            entry.State,
            entry.Reason,
            [.. entry.Versions.Keys.Order()],
            entry.LatestVersion,
            latest?.Labels ?? [],
            latest?.Provider.Actual,
            latest?.Provider.FallbackReason,
            latest?.MemoryBytes,
            latest is null ? null : latest.Batching.Enabled ? latest.Batching.MaxBatchSize : 1,
            latest?.Inputs ?? [],
            latest?.Outputs ?? [],
            latest?.TextEncoder?.Kind,
            latest?.TextEncoder?.MaxSequenceLength,
            latest?.Head.MultiLabel ?? false,
            latest?.Head.MultiLabel == true ? latest.Head.Threshold : null,
            latest?.EntailmentLabels is not null,
            [
                .. entry.Versions.Values.OrderBy(version => version.Version).Select(version => new ModelVersionSummary(
                    version.Version, entry.State, version.Provider.Actual, version.Provider.FallbackReason, version.MemoryBytes)),
                .. entry.UnloadedVersions.Where(version => !entry.Versions.ContainsKey(version))
                    .Select(version => new ModelVersionSummary(version, ModelStates.Unavailable, null, null, null)),
            ]);
    }
}

/// <summary>The model catalogue.</summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/models").WithTags("Models").RequireInferAccess();
        api.MapGet("/", ListModels).WithName("ListModels").WithSummary("List every model, servable or not");
        api.MapGet("/{name}", GetModel).WithName("GetModel").WithSummary("Get one model").ProducesProblem(StatusCodes.Status404NotFound);

        var admin = app.MapGroup("api/admin/models").WithTags("Model repository").AddEndpointFilter<InferenceErrorFilter>()
            .RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin);
        admin.MapPost("/{name}/load", LoadModel).WithName("LoadModel")
            .WithSummary("Load or reload a model from its folder")
            .WithDescription("New versions replace the loaded ones only if they load and warm up; otherwise the old ones keep serving and 400 says why.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/{name}/unload", UnloadModel).WithName("UnloadModel")
            .WithSummary("Stop serving a model; queued requests still complete")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapModelVersionUpload();
        return app;
    }

    public static Ok<ModelSummary[]> ListModels(ModelRepository repository) =>
        TypedResults.Ok(repository.Models.Select(ModelSummary.From).ToArray());

    public static async Task<Ok<ModelSummary>> LoadModel(
        string name, ModelAdministration models, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var entry = await models.LoadAsync(name, ApiCaller.From(user), AuditChannels.Rest, cancellationToken);
        return TypedResults.Ok(ModelSummary.From(entry));
    }

    public static async Task<NoContent> UnloadModel(string name, ModelAdministration models, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await models.UnloadAsync(name, ApiCaller.From(user), AuditChannels.Rest, cancellationToken);
        return TypedResults.NoContent();
    }

    public static Results<Ok<ModelSummary>, ProblemHttpResult> GetModel(string name, ModelRepository repository)
    {
        var entry = repository.Models.FirstOrDefault(model => string.Equals(model.Name, name, StringComparison.OrdinalIgnoreCase));
        return entry is null
            ? TypedResults.Problem(detail: $"Model '{name}' does not exist.", statusCode: StatusCodes.Status404NotFound, title: "Model not found")
            : TypedResults.Ok(ModelSummary.From(entry));
    }
}
