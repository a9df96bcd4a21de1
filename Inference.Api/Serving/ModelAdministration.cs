using Inference.Api.Caching;
using Inference.Engine.Repository;

namespace Inference.Api.Serving;

/// <summary>
/// Loading and unloading models for every transport (REST admin routes, the protocol's repository extension over REST
/// and gRPC): the repository changes, and the model's cached answers are forgotten, since even the same file may come
/// back with other labels, vocabulary or settings.
/// </summary>
public sealed class ModelAdministration(ModelRepository repository, PredictionCache cache)
{
    public async Task<ModelEntry> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var entry = await repository.LoadAsync(name, cancellationToken);
        // Not cancellable: once the model changed, its old answers must go whatever the caller does.
        await cache.InvalidateModelAsync(entry.Name, CancellationToken.None);
        return entry;
    }

    public async Task UnloadAsync(string name, CancellationToken cancellationToken)
    {
        await repository.UnloadAsync(name, cancellationToken);
        await cache.InvalidateModelAsync(name, CancellationToken.None);
    }
}
