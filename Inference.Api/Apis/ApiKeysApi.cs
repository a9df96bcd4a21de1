using Inference.Api.Data;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Apis;

/// <summary>Body of <c>POST /api/admin/keys</c>.</summary>
public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes);

/// <summary>A key as listings show it: never the key or its hash.</summary>
public sealed record ApiKeySummary(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeySummary From(ApiKey key) => new(key.Id, key.Name, key.Prefix, key.Scopes, key.CreatedAt, key.RevokedAt);
}

/// <summary>A new key; <see cref="Key"/> is shown this once and cannot be recovered.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string Key);

/// <summary>What the key handlers need, injected as one parameter.</summary>
public sealed record ApiKeyServices(InferenceDbContext Db, ApiKeyValidator Validator, TimeProvider Time);

/// <summary>Creating, listing and revoking API keys (admin scope).</summary>
public static class ApiKeysApi
{
    private const int MaxNameLength = 128;

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/admin/keys").WithTags("API keys").RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin);

        api.MapPost("/", CreateKey).WithName("CreateApiKey")
            .WithSummary("Create an API key")
            .WithDescription("Scopes: 'infer' (predictions, jobs) and/or 'admin' (keys, model repository; implies infer). " +
                             "The key is in this response only; store it, it cannot be shown again.")
            .ProducesValidationProblem();
        api.MapGet("/", ListKeys).WithName("ListApiKeys").WithSummary("Every key, revoked ones included, without secrets");
        api.MapDelete("/{id:guid}", RevokeKey).WithName("RevokeApiKey")
            .WithSummary("Revoke a key")
            .WithDescription("Takes effect at once on the replica that answers and within a few seconds on every other one.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateKey(
        CreateApiKeyRequest? request, [AsParameters] ApiKeyServices services, CancellationToken cancellationToken)
    {
        var name = request?.Name?.Trim() ?? "";
        var scopes = request?.Scopes?.Select(scope => scope?.Trim().ToLowerInvariant() ?? "").Distinct().ToArray() ?? [];
        var errors = new Dictionary<string, string[]>();
        if (name.Length is 0 or > MaxNameLength)
        {
            errors["name"] = [$"A name of 1 to {MaxNameLength} characters is required, e.g. the client that will use the key."];
        }
        if (scopes.Length == 0 || scopes.Except(AccessPolicies.Scopes).Any())
        {
            errors["scopes"] = [$"One or more of: {string.Join(", ", AccessPolicies.Scopes)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (secret, prefix) = ApiKeyFormat.Generate();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Prefix = prefix,
            SecretHash = ApiKeyFormat.Hash(secret),
            Scopes = scopes,
            CreatedAt = services.Time.GetUtcNow(),
        };
        services.Db.ApiKeys.Add(key);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/admin/keys/{key.Id}", new CreatedApiKey(key.Id, key.Name, key.Prefix, key.Scopes, key.CreatedAt, secret));
    }

    public static async Task<Ok<ApiKeySummary[]>> ListKeys([AsParameters] ApiKeyServices services, CancellationToken cancellationToken)
    {
        var keys = await services.Db.ApiKeys.AsNoTracking().OrderBy(key => key.CreatedAt).ToArrayAsync(cancellationToken);
        return TypedResults.Ok(keys.Select(ApiKeySummary.From).ToArray());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(
        Guid id, [AsParameters] ApiKeyServices services, CancellationToken cancellationToken)
    {
        var key = await services.Db.ApiKeys.FirstOrDefaultAsync(candidate => candidate.Id == id, cancellationToken);
        if (key is null)
        {
            return TypedResults.Problem(detail: $"API key '{id}' does not exist.", statusCode: StatusCodes.Status404NotFound, title: "API key not found");
        }
        // Revoking twice is harmless: the first revocation time stays.
        key.RevokedAt ??= services.Time.GetUtcNow();
        await services.Db.SaveChangesAsync(cancellationToken);
        services.Validator.Forget(key.Prefix);
        return TypedResults.NoContent();
    }
}
