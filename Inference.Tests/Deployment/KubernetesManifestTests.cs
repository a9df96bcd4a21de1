using AppHost.Publishing.Kubernetes;
using k8s;
using k8s.Models;

namespace Inference.Tests.Deployment;

/// <summary>
/// The kustomize folders generated from the app model: the checked-in <c>deploy/k8s</c> stays current, every document
/// reads back strictly as its typed Kubernetes object, and the objects say what a production cluster needs.
/// </summary>
public sealed class KubernetesManifestTests
{
    private const string Api = "inference-api";
    private static readonly string KubernetesDirectory = Path.Combine(PublishedAppModel.DeployDirectory, "k8s");

    [Fact]
    public async Task CheckedInManifestsMatchTheAppModel()
    {
        var files = KubernetesFiles.Render(await PublishedAppModel.GenerateKubernetesAsync(new KubernetesOptions()));

        foreach (var (path, text) in files)
        {
            GoldenFile.AssertMatches(Path.Combine(KubernetesDirectory, path), text,
                "run 'dotnet run --project AppHost -- --publisher kubernetes --output-path ../deploy/k8s'.");
        }
        var checkedIn = Directory.EnumerateFiles(KubernetesDirectory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(KubernetesDirectory, path).Replace('\\', '/'));
        Assert.Equal(files.Keys.Order(), checkedIn.Order());
    }

    [Fact]
    public void EveryCheckedInDocumentDeserializesStrictlyAsATypedObject()
    {
        var documents = Directory.EnumerateFiles(KubernetesDirectory, "*.yaml", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != KubernetesFiles.KustomizationFileName)
            .SelectMany(path => KubernetesYaml.LoadAllFromString(File.ReadAllText(path), strict: true))
            .ToList();

        Assert.NotEmpty(documents);
        Assert.All(documents, document => Assert.IsAssignableFrom<IKubernetesObject>(document));
        Assert.Contains(documents, document => document is V1StatefulSet { Metadata.Name: "postgres" });
        Assert.Contains(documents, document => document is V1Job { Metadata.Name: "inference-migrations" });
    }

    [Fact]
    public async Task ApiDeploymentProbesTheRealHealthEndpointsAndRunsLockedDown()
    {
        var objects = (await PublishedAppModel.GenerateKubernetesAsync(new KubernetesOptions())).Base[Api];

        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal(("/alive", "/health", "/alive"),
            (container.StartupProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Path));
        Assert.Equal((true, 1654L), (pod.SecurityContext.RunAsNonRoot, pod.SecurityContext.RunAsUser!.Value));
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["cpu", "memory"], container.Resources.Requests.Keys.Order());
        Assert.Equal(["cpu", "memory"], container.Resources.Limits.Keys.Order());
        var models = Assert.Single(container.VolumeMounts, mount => mount.MountPath == "/models");
        Assert.True(models.ReadOnlyProperty);
        Assert.Equal(["grpc", "http", "management"], Assert.Single(objects.OfType<V1Service>()).Spec.Ports.Select(port => port.Name).Order());
        Assert.Equal(Api, Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>()).Spec.ScaleTargetRef.Name);
        Assert.Single(objects.OfType<V1PodDisruptionBudget>());
    }

    [Fact]
    public async Task SecretsAreReferencedByNameAndMountedAsFilesNeverWritten()
    {
        var manifests = await PublishedAppModel.GenerateKubernetesAsync(new KubernetesOptions());
        var objects = manifests.Base.Values.SelectMany(list => list).ToList();

        Assert.DoesNotContain(objects, item => item is V1Secret);
        var configuration = objects.OfType<V1ConfigMap>().SelectMany(map => map.Data).ToList();
        Assert.Contains(configuration, variable => variable.Value.Contains("Password={secret:postgres-password}", StringComparison.Ordinal));
        Assert.All(configuration, variable => Assert.DoesNotMatch(@"(?i)password=(?!\{secret:)", variable.Value));
        var api = Assert.Single(manifests.Base[Api].OfType<V1Deployment>()).Spec.Template.Spec;
        var secrets = Assert.Single(api.Volumes, volume => volume.Secret is not null).Secret;
        Assert.Equal("inference-secrets", secrets.SecretName);
        Assert.Equal(["postgres-password", "redis-password", "inference-admin-key"], secrets.Items.Select(item => item.Key));
    }

    [Fact]
    public async Task GpuOverlayRequestsAnNvidiaGpuOnTheCudaImage()
    {
        var manifests = await PublishedAppModel.GenerateKubernetesAsync(new KubernetesOptions());

        var container = Assert.Single(Assert.Single(manifests.GpuPatches).Value.Spec.Template.Spec.Containers);
        Assert.Equal("inference-api:latest-cuda", container.Image);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("cuda", Assert.Single(container.Env, variable => variable.Name == "Inference__ExecutionProvider").Value);
        Assert.Equal(36, container.StartupProbe.FailureThreshold);
    }

    [Fact]
    public async Task ManagedInfrastructureReplacesTheStatefulSetByAnExternalNameService()
    {
        var manifests = await PublishedAppModel.GenerateKubernetesAsync(
            new KubernetesOptions { ExternalHosts = { ["postgres"] = "db.example.internal" } });

        var service = Assert.IsType<V1Service>(Assert.Single(manifests.Base["postgres"]));
        Assert.Equal(("ExternalName", "db.example.internal"), (service.Spec.Type, service.Spec.ExternalName));
        Assert.Contains(manifests.Base["redis"], item => item is V1StatefulSet);
    }
}
