namespace Aspire.Hosting;

/// <summary>Finds the machine's own Postgres and Redis server binaries.</summary>
internal static class LocalBinaries
{
    /// <summary>The directory holding <c>postgres</c> and <c>initdb</c> of one version, newest first.</summary>
    public static string? FindPostgresBinDirectory()
    {
        // Debian keeps the server binaries off PATH, one folder per major version.
        var debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(dir => Path.Combine(dir, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "postgres")) && File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        var onPath = FindOnPath("postgres");
        return onPath is not null && File.Exists(Path.Combine(Path.GetDirectoryName(onPath)!, "initdb"))
            ? Path.GetDirectoryName(onPath)
            : null;
    }

    public static string? FindRedisServer() => FindOnPath("redis-server");

    /// <summary>Null when everything local mode needs is present, else what is missing.</summary>
    public static string? FindMissing()
    {
        var missing = new List<string>();
        if (FindPostgresBinDirectory() is null)
        {
            missing.Add("no postgres/initdb binaries were found");
        }
        if (FindRedisServer() is null)
        {
            missing.Add("no redis-server was found on PATH");
        }
        return missing.Count == 0 ? null : string.Join(" and ", missing);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
