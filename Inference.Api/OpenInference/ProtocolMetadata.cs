using System.Globalization;
using System.Reflection;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using Inference.Engine.Tensors;

namespace Inference.Api.OpenInference;

/// <summary>A tensor as model metadata describes it: protocol datatype and shape, -1 for a dynamic dimension.</summary>
public sealed record TensorMetadata(string Name, string Datatype, long[] Shape);

/// <summary>The protocol's model metadata: the same over REST and gRPC.</summary>
public sealed record ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs);

/// <summary>
/// Server and model metadata, liveness and readiness as the Open Inference Protocol (KServe v2, Triton) reports
/// them; shared by the REST routes and the gRPC service so both always say the same.
/// </summary>
public sealed class ProtocolMetadata(ModelRepository repository)
{
    public const string ServerName = "inference";
    public const string Platform = "onnxruntime_onnx";

    /// <summary>Protocol extensions this server implements, as Triton names them.</summary>
    public static readonly IReadOnlyList<string> Extensions =
        ["binary_tensor_data", "classification", "model_configuration", "model_repository", "statistics"];

    public static string ServerVersion { get; } =
        typeof(ProtocolMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    /// <summary>Ready once every configured model has been tried (a broken model does not hold the server back).</summary>
    public bool ServerReady => repository.IsLoaded;

    /// <summary>Whether the model (or the given version of it) can serve now.</summary>
    public bool ModelReady(string name, int? version)
    {
        var entry = repository.Models.FirstOrDefault(model => string.Equals(model.Name, name, StringComparison.OrdinalIgnoreCase));
        return entry is { State: ModelStates.Ready }
            && (version is null ? entry.Versions.Count > 0 : entry.Versions.ContainsKey(version.Value));
    }

    /// <summary>
    /// Metadata of a model: all its served versions, and the inputs and outputs of the given version (the newest
    /// when none is given). Throws <see cref="InferenceException"/> (not found / unavailable) like inference does.
    /// </summary>
    public ModelMetadata Describe(string name, int? version)
    {
        if (version is < 1)
        {
            throw InferenceException.InvalidInput($"version must be a positive number, not {version}.");
        }
        var model = repository.Resolve(name, version);
        var entry = repository.Models.First(candidate => string.Equals(candidate.Name, model.Name, StringComparison.OrdinalIgnoreCase));
        return new ModelMetadata(
            model.Name,
            [.. entry.Versions.Keys.Order().Select(v => v.ToString())],
            Platform,
            [.. model.Inputs.Select(Describe)],
            [.. model.Outputs.Select(Describe)]);
    }

    /// <summary>
    /// The served versions whose statistics are asked for: every model's when <paramref name="name"/> is empty, else the
    /// model's (or one version's), ordered by model and version. An unknown model or version is not found.
    /// </summary>
    public IReadOnlyList<ModelVersion> StatisticsScope(string? name, int? version)
    {
        if (string.IsNullOrEmpty(name))
        {
            return [.. repository.Models.SelectMany(entry => entry.Versions.Values)
                .OrderBy(model => model.Name, StringComparer.Ordinal).ThenBy(model => model.Version)];
        }
        var entry = repository.Models.FirstOrDefault(model => string.Equals(model.Name, name, StringComparison.OrdinalIgnoreCase) && !model.IsUnloaded)
            ?? throw InferenceException.ModelNotFound($"Model '{name}' does not exist.");
        if (version is { } wanted && !entry.Versions.ContainsKey(wanted))
        {
            throw InferenceException.ModelNotFound($"Model '{name}' has no version {wanted}.");
        }
        return [.. entry.Versions.Values.Where(model => version is null || model.Version == version).OrderBy(model => model.Version)];
    }

    /// <summary>
    /// Every model folder the repository knows, as Triton lists it: one row per version, an unloaded model's versions as
    /// UNAVAILABLE ("unloaded"), a model that could not load as one row with its reason; only READY rows when asked.
    /// </summary>
    public IReadOnlyList<RepositoryIndexRow> RepositoryIndex(bool readyOnly) =>
        [.. repository.Models.SelectMany(IndexRows).Where(row => !readyOnly || row.State == ModelStates.Ready)];

    private static IEnumerable<RepositoryIndexRow> IndexRows(ModelEntry entry)
    {
        IEnumerable<int> versions = entry.Versions.Count > 0 ? entry.Versions.Keys.Order() : entry.UnloadedVersions;
        var rows = versions.Select(version => new RepositoryIndexRow(entry.Name, version.ToString(CultureInfo.InvariantCulture), entry.State, entry.Reason ?? "")).ToList();
        return rows.Count > 0 ? rows : [new RepositoryIndexRow(entry.Name, "", entry.State, entry.Reason ?? "")];
    }

    /// <summary>Triton's configuration of the given version (the newest when none is given); errors as <see cref="Describe(string, int?)"/>.</summary>
    internal Grpc.Protocol.ModelConfig Configuration(string name, int? version) =>
        ModelConfigDescription.For(version is < 1
            ? throw InferenceException.InvalidInput($"version must be a positive number, not {version}.")
            : repository.Resolve(name, version));

    private static TensorMetadata Describe(TensorDescription tensor) =>
        new(tensor.Name, tensor.ProtocolType?.ToString() ?? tensor.ElementType, tensor.Shape);
}
