using Inference.Api.Auditing;
using Inference.Api.Data;
using Inference.Api.RateLimiting;
using Inference.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Inference.Api.Apis;

/// <summary>Creating, listing, rotating and revoking API keys (admin scope); every change is audited.</summary>
public static class ApiKeysApi
{
    private const int MaxNameLength = 128;

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/admin/keys").WithTags("API keys").RequireAdminAccess().WithRateLimit(RateLimitPolicies.Admin);

        api.MapPost("/", CreateKey).WithName("CreateApiKey")
            .WithSummary("Create an API key")
            .WithDescription("Scopes: 'infer' (predictions, jobs) and/or 'admin' (keys, model repository; implies infer). Optional: 'expiresAt' " +
                             "(after it the key gets 401) and 'rateLimit' {permitLimit, window} (used on every route class instead of the " +
                             "default limits). The key is in this response only; store it, it cannot be shown again.")
            .ProducesValidationProblem();
        api.MapGet("/", ListKeys).WithName("ListApiKeys").WithSummary("Every key, revoked ones included, without secrets");
        api.MapPost("/{id:guid}/rotate", RotateKey).WithName("RotateApiKey")
            .WithSummary("Rotate a key: a new key with the same name, scopes and rate limit")
            .WithDescription("Both keys work until the old one is revoked (DELETE), so clients can move over without an outage.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
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
        ValidateExpiry(request?.ExpiresAt, services.Time, errors);
        if (request?.RateLimit is { } rateLimit && (rateLimit.PermitLimit < 1 || rateLimit.Window <= TimeSpan.Zero))
        {
            errors["rateLimit"] = ["permitLimit must be at least 1 and window (e.g. \"00:01:00\") positive; leave rateLimit out for the default limits."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (key, secret) = NewKey(name, scopes, request!.ExpiresAt, request.RateLimit, services.Time);
        services.Db.ApiKeys.Add(key);
        await DatabaseDeadline.RunAsync(token => services.Db.SaveChangesAsync(token), cancellationToken);
        await services.Audit.WriteAsync(ApiCaller.From(services.User), AuditActions.KeyCreate, KeyTarget(key.Id), before: null,
            ApiKeySummary.From(key), AuditChannels.Rest);
        return TypedResults.Created($"/api/admin/keys/{key.Id}", CreatedApiKey.From(key, secret));
    }

    public static async Task<Ok<ApiKeySummary[]>> ListKeys([AsParameters] ApiKeyServices services, CancellationToken cancellationToken)
    {
        var keys = await DatabaseDeadline.RunAsync(
            token => services.Db.ApiKeys.AsNoTracking().OrderBy(key => key.CreatedAt).ToArrayAsync(token), cancellationToken);
        return TypedResults.Ok(keys.Select(ApiKeySummary.From).ToArray());
    }

    public static async Task<Results<Created<CreatedApiKey>, ValidationProblem, ProblemHttpResult>> RotateKey(
        Guid id, RotateApiKeyRequest? request, [AsParameters] ApiKeyServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateExpiry(request?.ExpiresAt, services.Time, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var old = await DatabaseDeadline.RunAsync(
            token => services.Db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(candidate => candidate.Id == id, token), cancellationToken);
        if (old is null)
        {
            return KeyNotFound(id);
        }
        if (old.RevokedAt is not null)
        {
            return TypedResults.Problem(detail: $"API key '{id}' is revoked; create a new key instead.",
                statusCode: StatusCodes.Status409Conflict, title: "API key revoked");
        }

        var rateLimit = old.RateLimitPermitLimit is { } permits ? new ApiKeyRateLimit(permits, old.RateLimitWindow) : null;
        var (key, secret) = NewKey(old.Name, old.Scopes, request?.ExpiresAt, rateLimit, services.Time);
        key.RotatedFromId = old.Id;
        services.Db.ApiKeys.Add(key);
        await DatabaseDeadline.RunAsync(token => services.Db.SaveChangesAsync(token), cancellationToken);
        await services.Audit.WriteAsync(ApiCaller.From(services.User), AuditActions.KeyRotate, KeyTarget(old.Id),
            ApiKeySummary.From(old), ApiKeySummary.From(key), AuditChannels.Rest);
        return TypedResults.Created($"/api/admin/keys/{key.Id}", CreatedApiKey.From(key, secret));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(
        Guid id, [AsParameters] ApiKeyServices services, CancellationToken cancellationToken)
    {
        var key = await DatabaseDeadline.RunAsync(
            token => services.Db.ApiKeys.FirstOrDefaultAsync(candidate => candidate.Id == id, token), cancellationToken);
        if (key is null)
        {
            return KeyNotFound(id);
        }
        // Revoking twice is harmless: the first revocation time stays, and only the first is audited.
        if (key.RevokedAt is null)
        {
            var before = ApiKeySummary.From(key);
            key.RevokedAt = services.Time.GetUtcNow();
            await DatabaseDeadline.RunAsync(token => services.Db.SaveChangesAsync(token), cancellationToken);
            await services.Audit.WriteAsync(ApiCaller.From(services.User), AuditActions.KeyRevoke, KeyTarget(key.Id),
                before, ApiKeySummary.From(key), AuditChannels.Rest);
        }
        services.Validator.Forget(key.Prefix);
        return TypedResults.NoContent();
    }

    /// <summary>How audit entries name a key: <c>key:&lt;id&gt;</c>.</summary>
    public static string KeyTarget(Guid id) => $"key:{id}";

    private static (ApiKey Key, string Secret) NewKey(
        string name, string[] scopes, DateTimeOffset? expiresAt, ApiKeyRateLimit? rateLimit, TimeProvider time)
    {
        var (secret, prefix) = ApiKeyFormat.Generate();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Prefix = prefix,
            SecretHash = ApiKeyFormat.Hash(secret),
            Scopes = scopes,
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
            RateLimitPermitLimit = rateLimit?.PermitLimit,
            RateLimitWindow = rateLimit is null ? null : rateLimit.Window ?? TimeSpan.FromSeconds(1),
        };
        return (key, secret);
    }

    private static void ValidateExpiry(DateTimeOffset? expiresAt, TimeProvider time, Dictionary<string, string[]> errors)
    {
        if (expiresAt <= time.GetUtcNow())
        {
            errors["expiresAt"] = ["expiresAt must be in the future (ISO 8601 with an offset, e.g. 2027-01-31T00:00:00Z)."];
        }
    }

    private static ProblemHttpResult KeyNotFound(Guid id) =>
        TypedResults.Problem(detail: $"API key '{id}' does not exist.", statusCode: StatusCodes.Status404NotFound, title: "API key not found");
}
