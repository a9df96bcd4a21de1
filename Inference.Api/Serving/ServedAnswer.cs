using Inference.Api.Caching;

namespace Inference.Api.Serving;

/// <summary>Any answer of the serving path (zero-shot, embeddings), the version that gave it and where it came from.</summary>
public sealed record ServedAnswer<TResult>(TResult Result, int Version, CacheOutcome Cache);
