using System.Text;
using k8s;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// Writes the manifests as kustomize folders: <c>base/</c> (one file per service, and its <c>kustomization.yaml</c>) and
/// <c>overlays/gpu/</c> (the base plus the GPU patches).
/// </summary>
public static class KubernetesFiles
{
    public const string BaseFolder = "base";
    public const string GpuOverlayFolder = "overlays/gpu";
    public const string KustomizationFileName = "kustomization.yaml";

    private const string Header =
        "# Generated from the AppHost's app model; do not edit. Regenerate: dotnet run --project AppHost -- --publisher kubernetes --output-path ../deploy/k8s\n" +
        "# Guide: docs/kubernetes.md\n";

    private static readonly ISerializer KustomizationSerializer = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
        .WithIndentedSequences()
        .WithNewLine("\n")
        .Build();

    /// <summary>Every file, by path relative to the output folder.</summary>
    public static SortedDictionary<string, string> Render(KubernetesManifests manifests)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, objects) in manifests.Base)
        {
            files[$"{BaseFolder}/{name}.yaml"] = Header + string.Join("---\n", objects.Select(Serialize));
        }
        files[$"{BaseFolder}/{KustomizationFileName}"] = Header + KustomizationSerializer.Serialize(new Kustomization
        {
            Resources = [.. manifests.Base.Keys.Select(name => $"{name}.yaml")],
        });

        foreach (var (name, patch) in manifests.GpuPatches)
        {
            files[$"{GpuOverlayFolder}/{name}-gpu.yaml"] = Header + Serialize(patch);
        }
        files[$"{GpuOverlayFolder}/{KustomizationFileName}"] = Header + KustomizationSerializer.Serialize(new Kustomization
        {
            Resources = ["../../base"],
            Patches = [.. manifests.GpuPatches.Keys.Select(name => new KustomizationPatch { Path = $"{name}-gpu.yaml" })],
        });
        return files;
    }

    public static async Task WriteAsync(string outputDirectory, KubernetesManifests manifests, CancellationToken cancellationToken)
    {
        foreach (var (path, text) in Render(manifests))
        {
            var fullPath = Path.Combine(outputDirectory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            await File.WriteAllTextAsync(fullPath, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
        }
    }

    private static string Serialize(object value) => KubernetesYaml.Serialize(value).ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    /// <summary>The part of kustomize's Kustomization this deployment writes.</summary>
    private sealed class Kustomization
    {
        public string ApiVersion { get; init; } = "kustomize.config.k8s.io/v1beta1";

        public string Kind { get; init; } = "Kustomization";

        public List<string> Resources { get; init; } = [];

        public List<KustomizationPatch> Patches { get; init; } = [];
    }

    private sealed class KustomizationPatch
    {
        public required string Path { get; init; }
    }
}
