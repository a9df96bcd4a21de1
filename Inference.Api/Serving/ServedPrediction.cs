using Inference.Api.Caching;
using Inference.Engine;

namespace Inference.Api.Serving;

/// <summary>A classification and where it came from.</summary>
public sealed record ServedPrediction(ClassificationResult Result, CacheOutcome Cache);
