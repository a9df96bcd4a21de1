using System.Collections.Concurrent;
using Inference.Api.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Inference.Api.Models;

/// <summary>READY models serve; UNAVAILABLE ones are listed with the reason they could not load.</summary>
public static class ModelStates
{
    public const string Ready = "READY";
    public const string Unavailable = "UNAVAILABLE";
}

/// <summary>A model as the repository knows it, servable or not.</summary>
public sealed record ModelEntry(
    string Name,
    string Directory,
    ModelConfiguration? Configuration,
    IReadOnlyDictionary<int, ModelVersion> Versions,
    string State,
    string? Reason)
{
    public int? LatestVersion => Versions.Count == 0 ? null : Versions.Keys.Max();
}

/// <summary>
/// Every model under the configured roots, loaded once per process and warmed. A model that fails to load
/// never takes the others down: it is kept as UNAVAILABLE with its reason.
/// </summary>
public sealed class ModelRepository(IOptions<InferenceOptions> options, ILogger<ModelRepository> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, ModelEntry> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly ModelLoader _loader = new(options.Value);
    private volatile bool _loaded;

    /// <summary>True once every configured model has been tried (loaded and warmed, or marked unavailable).</summary>
    public bool IsLoaded => _loaded;

    public IReadOnlyCollection<ModelEntry> Models => [.. _models.Values.OrderBy(model => model.Name, StringComparer.Ordinal)];

    public void LoadAll(CancellationToken cancellationToken = default)
    {
        foreach (var root in options.Value.ModelRoots)
        {
            if (!System.IO.Directory.Exists(root))
            {
                logger.LogWarning("Model root {Root} does not exist", root);
                continue;
            }

            foreach (var modelDirectory in System.IO.Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!File.Exists(Path.Combine(modelDirectory, ModelLoader.ConfigurationFileName)))
                {
                    continue;
                }

                var name = Path.GetFileName(modelDirectory);
                if (_models.TryGetValue(name, out var existing))
                {
                    logger.LogWarning("Model {Model} in {Directory} is ignored: {Existing} already provides it", name, modelDirectory, existing.Directory);
                    continue;
                }
                _models[name] = LoadModel(name, modelDirectory);
            }
        }
        _loaded = true;
    }

    /// <summary>The requested version, or the newest when none is given.</summary>
    public ModelVersion Resolve(string name, int? version)
    {
        if (!_models.TryGetValue(name, out var entry))
        {
            throw InferenceException.ModelNotFound($"Model '{name}' does not exist. Available: {string.Join(", ", _models.Keys.Order())}.");
        }
        if (entry.State != ModelStates.Ready)
        {
            throw new InferenceException(InferenceErrorKind.ModelUnavailable, $"Model '{name}' is unavailable: {entry.Reason}");
        }

        var wanted = version ?? entry.LatestVersion!.Value;
        return entry.Versions.TryGetValue(wanted, out var model)
            ? model
            : throw InferenceException.ModelNotFound(
                $"Model '{name}' has no version {wanted}. Available versions: {string.Join(", ", entry.Versions.Keys.Order())}.");
    }

    private ModelEntry LoadModel(string name, string modelDirectory)
    {
        ModelConfiguration? configuration = null;
        var versions = new Dictionary<int, ModelVersion>();
        try
        {
            configuration = ModelLoader.ReadConfiguration(modelDirectory);
            var found = ModelLoader.FindVersions(modelDirectory);
            if (found.Count == 0)
            {
                throw new ArgumentException($"no version folder (e.g. 1/{ModelLoader.ModelFileName}) was found.");
            }

            foreach (var version in found)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var model = _loader.Load(name, modelDirectory, configuration, version);
                versions[version] = model;
                logger.LogInformation(
                    "Loaded model {Model} version {Version} ({Bytes:N0} bytes) on {Provider} in {Elapsed:0} ms",
                    name, version, model.ModelBytes, model.Provider.Actual, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (model.Provider.FallbackReason is not null)
                {
                    logger.LogWarning("Model {Model} version {Version} asked for {Requested} and runs on {Actual}: {Reason}",
                        name, version, model.Provider.Requested, model.Provider.Actual, model.Provider.FallbackReason);
                }
            }
            return new ModelEntry(name, modelDirectory, configuration, versions, ModelStates.Ready, null);
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or InvalidOperationException
                                              or UnauthorizedAccessException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException
                                              or InferenceException or System.Text.Json.JsonException or FormatException)
        {
            foreach (var loaded in versions.Values)
            {
                loaded.Dispose();
            }
            logger.LogWarning("Model {Model} in {Directory} is unavailable: {Reason}", name, modelDirectory, exception.Message);
            return new ModelEntry(name, modelDirectory, configuration, new Dictionary<int, ModelVersion>(), ModelStates.Unavailable, exception.Message);
        }
    }

    public void Dispose()
    {
        foreach (var model in _models.Values.SelectMany(entry => entry.Versions.Values))
        {
            model.Dispose();
        }
    }
}
