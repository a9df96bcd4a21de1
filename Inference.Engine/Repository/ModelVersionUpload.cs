using System.Text.RegularExpressions;
using Inference.Engine.Errors;

namespace Inference.Engine.Repository;

/// <summary>
/// The files of a new version on their way in. They are written to a hidden staging folder inside the model's folder:
/// the repository never reads it as a version (its name is no number), and being on the same file system, it takes its
/// numbered place in one rename once <see cref="ModelRepository.AddVersionAsync"/> has loaded it. Disposing removes
/// whatever was not taken, so a failed or abandoned upload leaves nothing behind.
/// </summary>
public sealed partial class ModelVersionUpload : IDisposable
{
    /// <summary>How staging folders start; a leftover one (the process died mid-upload) is never served.</summary>
    public const string StagingPrefix = ".upload-";

    internal ModelVersionUpload(string modelName, string modelDirectory)
    {
        ModelName = modelName;
        ModelDirectory = modelDirectory;
        Directory = System.IO.Directory.CreateDirectory(Path.Combine(modelDirectory, StagingPrefix + Guid.NewGuid().ToString("N"))).FullName;
    }

    /// <summary>The model's name as its folder spells it.</summary>
    public string ModelName { get; }

    public string ModelDirectory { get; }

    /// <summary>The staging folder the version's files are written to.</summary>
    public string Directory { get; }

    /// <summary>
    /// Where the version's file named <paramref name="fileName"/> goes. Only plain names (letters, digits, '.', '_', '-',
    /// not starting with a dot) are taken, so an upload can never write outside its folder.
    /// </summary>
    public string PathOf(string fileName) =>
        PlainFileName().IsMatch(fileName)
            ? Path.Combine(Directory, fileName)
            : throw InferenceException.InvalidInput(
                $"'{fileName}' is not a plain file name: use letters, digits, '.', '_' and '-' (up to 128), not starting with a dot.");

    public void Dispose()
    {
        try
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover staging folder is never served; the next upload of the model is unaffected.
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex PlainFileName();
}
