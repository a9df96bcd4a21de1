using Xunit.Sdk;

namespace Inference.Tests.Deployment;

/// <summary>
/// Compares generated text with a file checked into the repository. With <c>UPDATE_GOLDEN_FILES=1</c> the
/// file is rewritten instead, for a change to the output that is intended; review it in the diff.
/// </summary>
public static class GoldenFile
{
    public static string GoldenDirectory => Path.Combine(TestPaths.RepositoryRoot, "Inference.Tests", "Deployment", "Golden");

    public static void AssertMatches(string path, string actual, string howToRegenerate)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN_FILES") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        var expected = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        if (expected == actual)
        {
            return;
        }

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length))
            .FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
        throw new XunitException(
            $"{Path.GetRelativePath(TestPaths.RepositoryRoot, path)} differs from the generated output at line {line + 1}:\n" +
            $"  expected: {expectedLines.ElementAtOrDefault(line) ?? "(end of file)"}\n" +
            $"  actual:   {actualLines.ElementAtOrDefault(line) ?? "(end of file)"}\n" +
            $"If the change is intended: {howToRegenerate}");
    }
}
