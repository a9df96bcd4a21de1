using Inference.Api.Auditing;
using Inference.Api.Caching;
using Inference.Api.Data;
using Inference.Api.Security;
using Inference.Engine.Repository;

namespace Inference.Api.Serving;

/// <summary>A model's state as audit entries record it before and after a load or unload.</summary>
public sealed record ModelAuditState(string State, IReadOnlyList<int> Versions, string? Reason)
{
    public static ModelAuditState? Of(ModelRepository repository, string name) =>
        repository.Models.FirstOrDefault(model => string.Equals(model.Name, name, StringComparison.OrdinalIgnoreCase)) is { } entry
            ? new ModelAuditState(entry.State, [.. entry.Versions.Keys.Order()], entry.Reason)
            : null;
}

/// <summary>
/// Loading, unloading and adding versions of models for every transport (REST admin routes, the protocol's repository extension over REST
/// and gRPC): the repository changes, the model's cached answers are forgotten (even the same file may come back with
/// other labels, vocabulary or settings), and the change is written to the audit log with who made it.
/// </summary>
public sealed class ModelAdministration(ModelRepository repository, PredictionCache cache, AuditLog audit)
{
    public async Task<ModelEntry> LoadAsync(string name, ApiCaller caller, string via, CancellationToken cancellationToken)
    {
        var before = ModelAuditState.Of(repository, name);
        var entry = await repository.LoadAsync(name, cancellationToken);
        // Not cancellable: once the model changed, its old answers must go whatever the caller does.
        await cache.InvalidateModelAsync(entry.Name, CancellationToken.None);
        await audit.WriteAsync(caller, AuditActions.ModelLoad, ModelTarget(entry.Name), before, ModelAuditState.Of(repository, entry.Name), via);
        return entry;
    }

    public async Task UnloadAsync(string name, ApiCaller caller, string via, CancellationToken cancellationToken)
    {
        var before = ModelAuditState.Of(repository, name);
        await repository.UnloadAsync(name, cancellationToken);
        await cache.InvalidateModelAsync(name, CancellationToken.None);
        await audit.WriteAsync(caller, AuditActions.ModelUnload, ModelTarget(name), before, ModelAuditState.Of(repository, name), via);
    }

    /// <summary>Adds an uploaded version (see <see cref="ModelRepository.AddVersionAsync"/>) and records who added which.</summary>
    public async Task<AddedModelVersion> AddVersionAsync(ModelVersionUpload upload, ApiCaller caller, string via, CancellationToken cancellationToken)
    {
        var before = ModelAuditState.Of(repository, upload.ModelName);
        var added = await repository.AddVersionAsync(upload, cancellationToken);
        await cache.InvalidateModelAsync(added.Model.Name, CancellationToken.None);
        await audit.WriteAsync(caller, AuditActions.ModelVersionAdd, ModelTarget(added.Model.Name), before,
            ModelAuditState.Of(repository, added.Model.Name), via);
        return added;
    }

    /// <summary>How audit entries name a model: <c>model:&lt;name&gt;</c>.</summary>
    public static string ModelTarget(string name) => $"model:{name}";
}
