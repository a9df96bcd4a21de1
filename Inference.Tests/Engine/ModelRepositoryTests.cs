using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Inference.Tests.Engine;

/// <summary>Loading, reloading, unloading and version policies, on a scratch repository holding the sentiment model.</summary>
public sealed class ModelRepositoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("inference-repository-").FullName;
    private readonly string _model;

    public ModelRepositoryTests()
    {
        _model = Path.Combine(_root, "reviews");
        foreach (var version in new[] { 1, 2, 3 })
        {
            var directory = Directory.CreateDirectory(Path.Combine(_model, version.ToString())).FullName;
            foreach (var file in new[] { "model.onnx", "vocab.txt" })
            {
                File.CreateSymbolicLink(Path.Combine(directory, file), Path.Combine(TestPaths.ProjectModels, "sentiment", "1", file));
            }
        }
        WriteConfiguration("""{ "task": "text-classification", "labels": ["negative", "positive"] }""");
    }

    private void WriteConfiguration(string json) => File.WriteAllText(Path.Combine(_model, "model.json"), json);

    private ModelRepository CreateRepository()
    {
        var repository = new ModelRepository(
            Options.Create(new InferenceOptions { ModelRoots = [_root], ExecutionProvider = ExecutionProviders.Cpu }),
            NullLogger<ModelRepository>.Instance);
        repository.LoadAll();
        return repository;
    }

    [Theory]
    [InlineData("""{ "task": "text-classification" }""", new[] { 3 })]
    [InlineData("""{ "task": "text-classification", "versionPolicy": "latest", "latestCount": 2 }""", new[] { 2, 3 })]
    [InlineData("""{ "task": "text-classification", "versionPolicy": "all" }""", new[] { 1, 2, 3 })]
    [InlineData("""{ "task": "text-classification", "versionPolicy": "specific", "versions": [1, 3] }""", new[] { 1, 3 })]
    public void VersionPolicyChoosesWhichVersionsServe(string configuration, int[] expected)
    {
        WriteConfiguration(configuration);
        using var repository = CreateRepository();

        var entry = Assert.Single(repository.Models);

        Assert.Equal(expected, entry.Versions.Keys.Order());
        Assert.Equal(expected.Max(), repository.Resolve("reviews", null).Version);
    }

    [Fact]
    public async Task FailedReloadKeepsTheLoadedVersionServing()
    {
        using var repository = CreateRepository();
        var before = repository.Resolve("reviews", null);
        WriteConfiguration("""{ "task": "text-classification", "versionPolicy": "specific", "versions": [9] }""");

        var error = await Assert.ThrowsAsync<InferenceException>(() => repository.LoadAsync("reviews", TestContext.Current.CancellationToken));

        Assert.Contains("keep serving", error.Message);
        Assert.Same(before, repository.Resolve("reviews", null));
        Assert.Equal(2, (await before.InferTextAsync(before.TextEncoder!.Encode("still works"), TestContext.Current.CancellationToken)).Length);
        Assert.True(repository.IsLoaded);
    }

    [Fact]
    public async Task ReloadSwapsInNewVersionsAndUnloadStopsServing()
    {
        using var repository = CreateRepository();
        WriteConfiguration("""{ "task": "text-classification", "versionPolicy": "all" }""");

        var reloaded = await repository.LoadAsync("reviews", TestContext.Current.CancellationToken);
        Assert.Equal([1, 2, 3], reloaded.Versions.Keys.Order());
        Assert.Equal(1, repository.Resolve("reviews", 1).Version);

        await repository.UnloadAsync("reviews", TestContext.Current.CancellationToken);

        Assert.Equal(InferenceErrorKind.ModelNotFound, Assert.Throws<InferenceException>(() => repository.Resolve("reviews", null)).Kind);
        Assert.True(repository.IsLoaded, "readiness never flips back after the first load");
        await Assert.ThrowsAsync<InferenceException>(() => repository.UnloadAsync("reviews", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LoadingAnUnknownFolderIsNotFound()
    {
        using var repository = CreateRepository();

        var error = await Assert.ThrowsAsync<InferenceException>(() => repository.LoadAsync("nothing-here", TestContext.Current.CancellationToken));

        Assert.Equal(InferenceErrorKind.ModelNotFound, error.Kind);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
