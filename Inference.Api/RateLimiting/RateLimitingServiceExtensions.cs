using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Inference.Api.Extensions;
using Inference.Api.Monitoring;
using Inference.Api.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;

namespace Inference.Api.RateLimiting;

public static class RateLimitingServiceExtensions
{
    /// <summary>
    /// ASP.NET Core's rate limiter with one policy per route class (<see cref="RateLimitPolicies"/>), partitioned per API key
    /// (per client IP for anonymous callers) and kept in Redis so every replica counts together; in embedded mode (one
    /// process, no Redis) kept in process.
    /// </summary>
    public static IHostApplicationBuilder AddApiRateLimits(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.SectionName))
            // A zero limit or window would make every request of its route class fail; refuse it at start instead.
            .Validate(options => !options.Enabled || RateLimitPolicies.All.All(policy => options.RuleFor(policy) is
                { PermitLimit: > 0, EffectiveTokensPerPeriod: > 0 } rule && rule.Window > TimeSpan.Zero),
                "Inference:RateLimits: every PermitLimit, TokensPerPeriod and Window must be positive.")
            .ValidateOnStart();
        if (!EmbeddedMode.IsOn(builder.Configuration))
        {
            services.AddSingleton<RateLimitStoreMonitor>();
        }
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
            foreach (var policy in RateLimitPolicies.All)
            {
                options.AddPolicy(policy, context => Partition(context, policy));
            }
        });
        return builder;
    }

    /// <summary>Adds the rate limiter after authentication (partitions need the key) unless <c>Inference:RateLimits:Enabled</c> is off.</summary>
    public static WebApplication UseApiRateLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value.Enabled)
        {
            app.UseRateLimiter();
        }
        return app;
    }

    /// <summary>Applies a <see cref="RateLimitPolicies"/> policy and documents its 429 answer.</summary>
    public static TBuilder WithRateLimit<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(policy).WithMetadata(AccessServiceExtensions.Problem(StatusCodes.Status429TooManyRequests));

    /// <summary>
    /// One bucket per policy and caller. A key with a rate limit of its own uses it on every route class instead of the
    /// policy's; the limit is part of the partition, so a key rotated with another limit starts a fresh bucket.
    /// </summary>
    private static RateLimitPartition<string> Partition(HttpContext context, string policy)
    {
        var user = context.User;
        var keyRule = KeyRule(user);
        var caller = user.FindFirstValue(ApiKeyClaims.KeyId) is { } keyId
            ? "key:" + keyId + (keyRule is null ? "" : $":{keyRule.PermitLimit}/{keyRule.Window.TotalMilliseconds:0}ms")
            : "ip:" + context.Connection.RemoteIpAddress;
        return RateLimitPartition.Get($"inference:{policy}:{caller}", partitionKey => CreateLimiter(
            context.RequestServices, policy, keyRule ?? context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.RuleFor(policy),
            partitionKey));
    }

    private static RateLimitRule? KeyRule(ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(ApiKeyClaims.RateLimitPermits), CultureInfo.InvariantCulture, out var permits)
        && TimeSpan.TryParseExact(user.FindFirstValue(ApiKeyClaims.RateLimitWindow), "c", CultureInfo.InvariantCulture, out var window)
            ? new RateLimitRule { PermitLimit = permits, Window = window }
            : null;

    private static RateLimiter CreateLimiter(IServiceProvider services, string policy, RateLimitRule rule, string partitionKey)
    {
        var local = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = rule.PermitLimit,
            TokensPerPeriod = rule.EffectiveTokensPerPeriod,
            ReplenishmentPeriod = rule.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        // No monitor: embedded mode, where the one process is the only one counting.
        if (services.GetService<RateLimitStoreMonitor>() is not { } monitor)
        {
            return local;
        }
        var redis = new RedisTokenBucketRateLimiter<string>(partitionKey, new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => monitor.Redis,
            TokenLimit = rule.PermitLimit,
            TokensPerPeriod = rule.EffectiveTokensPerPeriod,
            ReplenishmentPeriod = rule.Window,
        });
        return new RedisWithLocalFallbackRateLimiter(redis, local, monitor, policy);
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var policy = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "none";
        context.HttpContext.RequestServices.GetRequiredService<PlatformTelemetry>().RecordRateLimitRefusal(policy);
        var seconds = RetryAfterSeconds(context.Lease);
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await AccessErrorResponses.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The rate limit for this route was reached; retry in {seconds} s.");
    }

    /// <summary>Whole seconds until a permit frees up: Redis leases state them as seconds, in-process ones as a TimeSpan.</summary>
    private static int RetryAfterSeconds(RateLimitLease lease)
    {
        if (lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var redisSeconds))
        {
            return Math.Max(1, redisSeconds);
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
    }
}
