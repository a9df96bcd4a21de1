using System.Text;

namespace AppHost.Publishing;

/// <summary>
/// The variables a Compose file reads from its <c>.env</c> file, collected while the file is generated so
/// that <c>.env.example</c> lists exactly what the Compose file uses, in order of first use.
/// </summary>
public sealed class ComposeEnvironmentFile
{
    private readonly List<Entry> _entries = [];
    private readonly List<string> _secretFiles = [];

    /// <summary>Every variable, in order of first use.</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>The secrets the Compose file reads from files in <see cref="ComposeSecrets.Folder"/>, in order of first use.</summary>
    public IReadOnlyList<string> SecretFiles => _secretFiles;

    /// <summary>A secret that is a file of its own rather than a variable; <c>.env.example</c> says where it goes.</summary>
    public void SecretFile(string name)
    {
        if (!_secretFiles.Contains(name))
        {
            _secretFiles.Add(name);
        }
    }

    /// <summary>A variable Compose refuses to start without (secrets): <c>${NAME:?...}</c>.</summary>
    public string Required(string name, string description)
    {
        Add(new Entry(name, Value: string.Empty, description, IsRequired: true, IsCommentedOut: false));
        return $"${{{name}:?set {name} in .env, see .env.example}}";
    }

    /// <summary>A variable with a default: <c>${NAME:-default}</c>.</summary>
    public string Optional(string name, string defaultValue, string description)
    {
        Add(new Entry(name, defaultValue, description, IsRequired: false, IsCommentedOut: false));
        return $"${{{name}:-{defaultValue}}}";
    }

    /// <summary>A variable that is off unless set; <c>.env.example</c> shows it commented out with a useful value.</summary>
    public string OffByDefault(string name, string exampleValue, string description)
    {
        Add(new Entry(name, exampleValue, description, IsRequired: false, IsCommentedOut: true));
        return $"${{{name}:-}}";
    }

    /// <summary>A variable Compose itself reads (e.g. <c>COMPOSE_PROJECT_NAME</c>); nothing in the file refers to it.</summary>
    public void ForCompose(string name, string value, string description, bool commentedOut = false) =>
        Add(new Entry(name, value, description, IsRequired: false, commentedOut));

    /// <summary>The text of <c>.env.example</c>.</summary>
    public string ToText(string header)
    {
        var text = new StringBuilder();
        foreach (var line in header.Split('\n'))
        {
            text.Append("# ").Append(line).Append('\n');
        }
        if (_secretFiles.Count > 0)
        {
            text.Append("#\n# Secrets are not variables: each is a file in ").Append(ComposeSecrets.Folder)
                .Append("/ beside this file holding the value alone\n# (letters and digits, e.g. from `openssl rand -hex 24`), readable by the containers' users:\n");
            foreach (var name in _secretFiles)
            {
                text.Append("#   ").Append(ComposeSecrets.Folder).Append('/').Append(name).Append('\n');
            }
        }
        foreach (var entry in _entries)
        {
            text.Append('\n');
            text.Append("# ").Append(entry.Description).Append(entry.IsRequired ? " Required." : string.Empty).Append('\n');
            text.Append(entry.IsCommentedOut ? "# " : string.Empty).Append(entry.Name).Append('=').Append(entry.Value).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>An environment variable name for a model name: <c>postgres-password</c> becomes <c>POSTGRES_PASSWORD</c>; null parts are left out.</summary>
    public static string VariableName(params string?[] parts) =>
        string.Join('_', parts.OfType<string>().Select(part => new string([.. part.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_')])));

    private void Add(Entry entry)
    {
        if (_entries.All(existing => existing.Name != entry.Name))
        {
            _entries.Add(entry);
        }
    }

    public sealed record Entry(string Name, string Value, string Description, bool IsRequired, bool IsCommentedOut);
}
