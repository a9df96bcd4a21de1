using System.Collections.Concurrent;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Inference.Engine.Repository;

/// <summary>READY models serve; UNAVAILABLE ones are listed with the reason they could not load.</summary>
public static class ModelStates
{
    public const string Ready = "READY";
    public const string Unavailable = "UNAVAILABLE";

    /// <summary>The reason of a model an administrator unloaded (Triton's word): it stays listed, as UNAVAILABLE.</summary>
    public const string UnloadedReason = "unloaded";
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

    /// <summary>The versions that served before the model was unloaded (listed by the repository index, as in Triton).</summary>
    public IReadOnlyList<int> UnloadedVersions { get; init; } = [];

    public bool IsUnloaded => State == ModelStates.Unavailable && Reason == ModelStates.UnloadedReason;
}

/// <summary>
/// Every model under the configured roots, loaded once per process and warmed. A model that fails to load
/// never takes the others down: it is kept as UNAVAILABLE with its reason. Models can be loaded, unloaded
/// and reloaded at run time; a reload that fails keeps the old versions serving.
/// </summary>
public sealed partial class ModelRepository : IDisposable
{
    private readonly ConcurrentDictionary<string, ModelEntry> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly IOptions<InferenceOptions> _options;
    private readonly ILogger<ModelRepository> _logger;
    private readonly InferenceTelemetry? _telemetry;
    private readonly ModelLoader _loader;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private volatile bool _loaded;

    public ModelRepository(IOptions<InferenceOptions> options, ILogger<ModelRepository> logger, InferenceTelemetry? telemetry = null)
    {
        _options = options;
        _logger = logger;
        _telemetry = telemetry;
        var globalLock = options.Value.Batching.GlobalLock ? new SemaphoreSlim(1, 1) : null;
        _loader = new ModelLoader(options.Value, globalLock, telemetry);
        telemetry?.ObserveModels(() => _models.Values.SelectMany(entry => entry.Versions.Values));
    }

    /// <summary>True once every configured model has been tried; it stays true through later loads and unloads.</summary>
    public bool IsLoaded => _loaded;

    public IReadOnlyCollection<ModelEntry> Models => [.. _models.Values.OrderBy(model => model.Name, StringComparer.Ordinal)];

    public void LoadAll(CancellationToken cancellationToken = default)
    {
        foreach (var (name, directory) in DiscoverModels())
        {
            cancellationToken.ThrowIfCancellationRequested();
            _models[name] = LoadModel(name, directory);
        }
        _loaded = true;
    }

    /// <summary>Loads (or reloads) a model from its folder. The new versions replace the old only if they load.</summary>
    public async Task<ModelEntry> LoadAsync(string name, CancellationToken cancellationToken = default)
    {
        var directory = FindModelDirectory(name);
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var loaded = await Task.Run(() => LoadModel(Path.GetFileName(directory), directory), cancellationToken);
            _models.TryGetValue(loaded.Name, out var previous);
            if (loaded.State != ModelStates.Ready && previous?.State == ModelStates.Ready)
            {
                _logger.LogWarning("Reload of {Model} failed; version(s) {Versions} keep serving", name, string.Join(", ", previous.Versions.Keys));
                throw new InferenceException(InferenceErrorKind.InvalidInput,
                    $"Model '{name}' could not be reloaded ({loaded.Reason}); the loaded version(s) keep serving.");
            }
            _models[loaded.Name] = loaded;
            Retire(previous);
            return loaded;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Stops serving a model; requests already queued for it still complete. Its folder is still there, so it stays
    /// listed as UNAVAILABLE ("unloaded") until it is loaded again.
    /// </summary>
    public async Task UnloadAsync(string name, CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (!_models.TryGetValue(name, out var removed) || removed.IsUnloaded)
            {
                throw InferenceException.ModelNotFound($"Model '{name}' is not loaded.");
            }
            _models[removed.Name] = removed with
            {
                Versions = EmptyVersions,
                State = ModelStates.Unavailable,
                Reason = ModelStates.UnloadedReason,
                UnloadedVersions = [.. removed.Versions.Keys.Order()],
            };
            Retire(removed);
            _logger.LogInformation("Unloaded model {Model}", name);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>The versions of a model that serve now (none when it is unknown or unavailable).</summary>
    public IReadOnlyDictionary<int, ModelVersion> LoadedVersions(string name) =>
        _models.TryGetValue(name, out var entry) ? entry.Versions : EmptyVersions;

    private static readonly IReadOnlyDictionary<int, ModelVersion> EmptyVersions = new Dictionary<int, ModelVersion>();

    /// <summary>The requested version, or the newest when none is given.</summary>
    public ModelVersion Resolve(string name, int? version)
    {
        if (!_models.TryGetValue(name, out var entry))
        {
            throw InferenceException.ModelNotFound($"Model '{name}' does not exist. Available: {string.Join(", ", _models.Keys.Order())}.");
        }
        if (entry.IsUnloaded)
        {
            throw InferenceException.ModelNotFound($"Model '{name}' is unloaded; load it to serve it again.");
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

    /// <summary>The folder of the model named <paramref name="name"/> under the model roots.</summary>
    private string FindModelDirectory(string name) =>
        DiscoverModels().Where(model => string.Equals(model.Name, name, StringComparison.OrdinalIgnoreCase))
            .Select(model => model.Directory).FirstOrDefault()
        ?? throw InferenceException.ModelNotFound(
            $"No folder named '{name}' with a {ModelLoader.ConfigurationFileName} or a version folder exists under the model roots.");

    private IEnumerable<(string Name, string Directory)> DiscoverModels()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var root in _options.Value.ModelRoots)
        {
            if (!System.IO.Directory.Exists(root))
            {
                _logger.LogWarning("Model root {Root} does not exist", root);
                continue;
            }
            foreach (var directory in System.IO.Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(directory);
                if (!IsModelFolder(directory))
                {
                    continue;
                }
                if (!seen.Add(name))
                {
                    _logger.LogWarning("Model folder {Directory} is ignored: an earlier root already provides '{Model}'", directory, name);
                    continue;
                }
                yield return (name, directory);
            }
        }
    }

    /// <summary>A folder with model.json, or a drop-in with numbered version folders (a Hugging Face export); data folders are not models.</summary>
    private static bool IsModelFolder(string directory) =>
        File.Exists(Path.Combine(directory, ModelLoader.ConfigurationFileName))
        || System.IO.Directory.EnumerateDirectories(directory).Any(version => int.TryParse(Path.GetFileName(version), out var number) && number > 0);

    private ModelEntry LoadModel(string name, string modelDirectory)
    {
        ModelConfiguration? configuration = null;
        var versions = new Dictionary<int, ModelVersion>();
        try
        {
            configuration = ModelLoader.ReadConfiguration(modelDirectory);
            var selected = ModelLoader.SelectVersions(modelDirectory, configuration);
            if (selected.Count == 0)
            {
                throw new ArgumentException($"no version folder (e.g. 1/{ModelLoader.ModelFileName}) was found.");
            }

            foreach (var version in selected)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var model = _loader.Load(name, modelDirectory, configuration, version);
                versions[version] = model;
                _telemetry?.RecordModelLoad(name, version, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                _logger.LogInformation(
                    "Loaded model {Model} version {Version} ({Bytes:N0} bytes on disk, {Memory:N0} bytes resident) on {Provider}, batching {Batching}, in {Elapsed:0} ms",
                    name, version, model.ModelBytes, model.MemoryBytes, model.Provider.Actual,
                    model.Batching.Enabled ? $"up to {model.Batching.MaxBatchSize}" : "off",
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (model.Provider.FallbackReason is not null)
                {
                    _logger.LogWarning("Model {Model} version {Version} asked for {Requested} and runs on {Actual}: {Reason}",
                        name, version, model.Provider.Requested, model.Provider.Actual, model.Provider.FallbackReason);
                }
            }
            return new ModelEntry(name, modelDirectory, configuration, versions, ModelStates.Ready, null);
        }
        catch (Exception exception) when (IsLoadFailure(exception))
        {
            foreach (var loaded in versions.Values)
            {
                loaded.Dispose();
            }
            _logger.LogWarning("Model {Model} in {Directory} is unavailable: {Reason}", name, modelDirectory, exception.Message);
            return new ModelEntry(name, modelDirectory, configuration, new Dictionary<int, ModelVersion>(), ModelStates.Unavailable, exception.Message);
        }
    }

    /// <summary>What a model folder that cannot be served throws while it loads (as opposed to a bug of the server).</summary>
    private static bool IsLoadFailure(Exception exception) =>
        exception is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException
            or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InferenceException or System.Text.Json.JsonException or FormatException;

    /// <summary>Disposes replaced versions off the caller's path, after their queued requests finish.</summary>
    private static void Retire(ModelEntry? entry)
    {
        if (entry is null || entry.Versions.Count == 0)
        {
            return;
        }
        _ = Task.Run(() =>
        {
            foreach (var version in entry.Versions.Values)
            {
                version.Dispose();
            }
        });
    }

    public void Dispose()
    {
        foreach (var model in _models.Values.SelectMany(entry => entry.Versions.Values))
        {
            model.Dispose();
        }
        _changes.Dispose();
    }
}
