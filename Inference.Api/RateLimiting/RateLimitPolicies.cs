namespace Inference.Api.RateLimiting;

/// <summary>Rate-limit policy names, one per route class; each has its own limits under <c>Inference:RateLimits:&lt;name&gt;</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary><c>/api/predict/*</c>.</summary>
    public const string Predict = "predict";

    /// <summary>The Open Inference Protocol's infer routes under <c>/v2</c>.</summary>
    public const string Protocol = "protocol";

    /// <summary><c>/api/jobs</c>: submissions, status polls and result downloads.</summary>
    public const string Jobs = "jobs";

    /// <summary>Management routes (<c>/api/admin/*</c>, the <c>/v2</c> model repository).</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Predict, Protocol, Jobs, Admin];
}
