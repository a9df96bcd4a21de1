namespace Inference.Api.RateLimiting;

/// <summary>
/// One route class's limit, a token bucket per API key (per client IP for anonymous callers) shared by every replica
/// through Redis: up to <see cref="PermitLimit"/> requests at once, refilled by <see cref="TokensPerPeriod"/> every
/// <see cref="Window"/>. With the defaults that is "PermitLimit requests per Window", with bursts up to the limit.
/// </summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Tokens added back each window; 0 (the default) means <see cref="PermitLimit"/>.</summary>
    public int TokensPerPeriod { get; set; }

    public int EffectiveTokensPerPeriod => TokensPerPeriod > 0 ? TokensPerPeriod : PermitLimit;
}

/// <summary>The <c>Inference:RateLimits</c> section.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Inference:RateLimits";

    /// <summary>Off: no rate limiting at all (e.g. to measure its cost).</summary>
    public bool Enabled { get; set; } = true;

    public RateLimitRule Predict { get; set; } = new() { PermitLimit = 100 };

    public RateLimitRule Protocol { get; set; } = new() { PermitLimit = 100 };

    public RateLimitRule Jobs { get; set; } = new() { PermitLimit = 20 };

    public RateLimitRule Admin { get; set; } = new() { PermitLimit = 10 };

    public RateLimitRule RuleFor(string policy) => policy switch
    {
        RateLimitPolicies.Predict => Predict,
        RateLimitPolicies.Protocol => Protocol,
        RateLimitPolicies.Jobs => Jobs,
        RateLimitPolicies.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown rate-limit policy."),
    };
}
