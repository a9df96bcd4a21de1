using System.Globalization;
using Inference.Engine.Errors;
using Microsoft.Extensions.Logging;

namespace Inference.Engine.Repository;

/// <summary>A version added to a model: its number, and the model as it now serves.</summary>
public sealed record AddedModelVersion(ModelEntry Model, int Version);

public sealed partial class ModelRepository
{
    /// <summary>Starts an upload of a new version of a model that has a folder under the model roots.</summary>
    public ModelVersionUpload BeginUpload(string name)
    {
        var directory = FindModelDirectory(name);
        try
        {
            return new ModelVersionUpload(Path.GetFileName(directory), directory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A deployment mounts its model root read-only: versions are added to the image or volume there, not by upload.
            throw InferenceException.InvalidInput($"Model '{name}' takes no uploads here: its folder cannot be written ({exception.Message}).");
        }
    }

    /// <summary>
    /// Makes an upload the model's next version. It must first load and warm up, with the model's settings, from its staging
    /// folder; only then does it take its numbered folder (one rename) and the model is reloaded, as <see cref="LoadAsync"/>
    /// does. An upload that does not load never appears, and the loaded versions keep serving.
    /// </summary>
    public async Task<AddedModelVersion> AddVersionAsync(ModelVersionUpload upload, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(upload.PathOf(ModelLoader.ModelFileName)))
        {
            throw InferenceException.InvalidInput($"The upload has no {ModelLoader.ModelFileName}.");
        }

        await _changes.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => AddVersion(upload), cancellationToken);
        }
        finally
        {
            _changes.Release();
        }
    }

    private AddedModelVersion AddVersion(ModelVersionUpload upload)
    {
        var (name, directory) = (upload.ModelName, upload.ModelDirectory);
        var version = NextVersionNumber(directory);
        try
        {
            var configuration = ModelLoader.ReadConfiguration(directory);
            using var trial = _loader.Load(name, directory, configuration, version, upload.Directory);
        }
        catch (Exception exception) when (IsLoadFailure(exception))
        {
            throw InferenceException.InvalidInput($"The uploaded version of '{name}' does not load: {exception.Message}");
        }

        var versionDirectory = Path.Combine(directory, version.ToString(CultureInfo.InvariantCulture));
        System.IO.Directory.Move(upload.Directory, versionDirectory);
        var loaded = LoadModel(name, directory);
        if (loaded.State != ModelStates.Ready)
        {
            // It loaded alone but not with the others (say, all of them no longer fit): it goes, and they keep serving.
            System.IO.Directory.Delete(versionDirectory, recursive: true);
            throw InferenceException.InvalidInput(
                $"Model '{name}' could not be reloaded with version {version} ({loaded.Reason}); the version was removed and the loaded version(s) keep serving.");
        }

        _models.TryGetValue(loaded.Name, out var previous);
        _models[loaded.Name] = loaded;
        Retire(previous);
        _logger.LogInformation("Added version {Version} to model {Model}", version, name);
        return new AddedModelVersion(loaded, version);
    }

    /// <summary>One past the highest numbered folder, whether or not it holds a model: a number is never reused.</summary>
    private static int NextVersionNumber(string modelDirectory) =>
        System.IO.Directory.EnumerateDirectories(modelDirectory)
            .Select(folder => int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0)
            .DefaultIfEmpty(0)
            .Max() + 1;
}
