using System.Text.RegularExpressions;

namespace AppHost.Publishing;

/// <summary>
/// Hands secret parameters to services as Compose secrets: files from <see cref="Folder"/> mounted at
/// <c>/run/secrets/&lt;name&gt;</c>, so <c>docker inspect</c> shows no secret value. .NET services and the images this
/// repository builds read <c>{secret:name}</c> references in their configuration (ServiceDefaults'
/// <c>SecretFileReferences</c>; the migration image's entrypoint); any other container
/// whose variable holds a secret gets <c>&lt;VARIABLE&gt;_FILE</c> with the file's path instead, the convention of
/// the official Postgres image, and its shell commands read the file where they used the variable.
/// </summary>
public static partial class ComposeSecrets
{
    /// <summary>The folder beside the Compose file that holds one file per secret.</summary>
    public const string Folder = "secrets";

    public const string MountDirectory = "/run/secrets";

    /// <summary>The reference a .NET service resolves from its mounted secret file.</summary>
    public static string Reference(string name) => $"{{secret:{name}}}";

    /// <summary>Mounts the secrets the service's values refer to; rewrites a container's secret variables to files.</summary>
    public static void Apply(IResource resource, ComposeService service, ComposeFile file)
    {
        var resolvesReferences = resource is ProjectResource || resource.HasAnnotationOfType<BuiltImageAnnotation>();
        if (!resolvesReferences)
        {
            foreach (var (variable, value) in service.Environment.ToList())
            {
                if (WholeReference().Match(value) is not { Success: true } match)
                {
                    continue;
                }
                service.Environment.Remove(variable);
                service.Environment[$"{variable}_FILE"] = $"{MountDirectory}/{match.Groups["name"].Value}";
                // Commands are Compose text, where a shell's $ is written $$.
                for (var i = 0; i < service.Command.Count; i++)
                {
                    var readFile = $"\"$$(cat \"$${{{variable}_FILE}}\")\"";
                    service.Command[i] = Regex.Replace(service.Command[i], $@"\$\$(\{{{variable}\}}|{variable}\b)", _ => readFile);
                }
            }
        }

        var names = service.Environment.Values.Concat(service.Command)
            .SelectMany(value => AnyReference().Matches(value))
            .Select(match => match.Groups["name"].Value);
        foreach (var name in names.Concat(service.Environment.Values.Select(FileSecret).OfType<string>()).Distinct())
        {
            service.Secrets.Add(name);
            file.Secrets[name] = new ComposeSecret { File = $"./{Folder}/{name}" };
        }
        if (!resolvesReferences && service.Environment.Values.Any(value => AnyReference().IsMatch(value)))
        {
            throw new NotSupportedException(
                $"'{resource.Name}' is a container with a secret inside a longer value; only this repository's images resolve {{secret:name}} references.");
        }
    }

    /// <summary>The secret a <c>_FILE</c> variable points at, or null.</summary>
    private static string? FileSecret(string value) =>
        value.StartsWith(MountDirectory + "/", StringComparison.Ordinal) ? value[(MountDirectory.Length + 1)..] : null;

    [GeneratedRegex(@"^\{secret:(?<name>[A-Za-z0-9._-]+)\}$")]
    private static partial Regex WholeReference();

    [GeneratedRegex(@"\{secret:(?<name>[A-Za-z0-9._-]+)\}")]
    private static partial Regex AnyReference();
}
