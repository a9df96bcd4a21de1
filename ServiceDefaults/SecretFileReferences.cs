using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Resolves <c>{secret:NAME}</c> in configuration values from the file <c>NAME</c> in the secrets folder
/// (<c>Secrets:Directory</c>, default <c>/run/secrets</c>, where Docker Compose and Kubernetes mount secrets). A deployment
/// then passes e.g. <c>ConnectionStrings__inferencedb=Host=postgres;Password={secret:postgres-password}</c>: the value
/// never appears in the container's environment, so <c>docker inspect</c> and pod specs show the reference only.
/// </summary>
public static partial class SecretFileReferences
{
    public const string DirectoryKey = "Secrets:Directory";
    public const string DefaultDirectory = "/run/secrets";

    /// <summary>Adds a configuration layer with every value that refers to a secret file resolved.</summary>
    /// <exception cref="InvalidOperationException">A referenced secret file is missing or unreadable.</exception>
    public static IConfigurationBuilder AddSecretFileReferences(this IConfigurationManager configuration)
    {
        var directory = configuration[DirectoryKey] ?? DefaultDirectory;
        var resolved = new Dictionary<string, string?>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null && value.Contains("{secret:", StringComparison.Ordinal))
            {
                resolved[key] = Reference().Replace(value, match => Read(directory, match.Groups["name"].Value, key));
            }
        }
        return resolved.Count == 0 ? configuration : configuration.AddInMemoryCollection(resolved);
    }

    private static string Read(string directory, string name, string key)
    {
        var path = Path.Combine(directory, name);
        try
        {
            // Secret files are often written with a trailing newline (echo, editors); it is never part of the value.
            return File.ReadAllText(path).TrimEnd('\r', '\n');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Configuration '{key}' refers to the secret '{name}', but {path} cannot be read: {exception.Message}", exception);
        }
    }

    // Names as Compose and Kubernetes allow them for secrets and their keys.
    [GeneratedRegex(@"\{secret:(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)\}")]
    private static partial Regex Reference();
}
