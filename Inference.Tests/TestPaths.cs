namespace Inference.Tests;

/// <summary>Where the repository and the shared reference models are, wherever the tests run from.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The project's own models (<c>models/</c>).</summary>
    public static string ProjectModels => Path.Combine(RepositoryRoot, "models");

    /// <summary>Tiny tensor models for the protocol tests (written by Inference.Tests/TestModels/make_test_models.py).</summary>
    public static string TestModels => Path.Combine(RepositoryRoot, "Inference.Tests", "TestModels");

    /// <summary>Third-party reference models and photos, kept beside the repository (never copied into it).</summary>
    public static string SharedModels =>
        Environment.GetEnvironmentVariable("INFERENCE_SHARED_MODELS")
        ?? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "models"));

    public static string MobileNet => Path.Combine(SharedModels, "mobilenetv2-12-int8", "mobilenetv2-12-int8.onnx");

    public static string ImageNetLabels => Path.Combine(SharedModels, "mobilenetv2-12-int8", "synset.txt");

    public static string Mnist => Path.Combine(SharedModels, "mnist", "mnist.onnx");

    public static string TestImage(string name) => Path.Combine(SharedModels, "test-images", name);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Inference.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Inference.sln was not found above {AppContext.BaseDirectory}.");
    }
}
