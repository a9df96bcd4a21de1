using System.Diagnostics;
using Npgsql;

namespace Inference.Tests.Faults;

/// <summary><c>redis-server</c> without persistence: a restart starts empty, as a Redis that lost its data.</summary>
public sealed class RedisServer(int port) : ControlledProcess("redis", port)
{
    public override string ConnectionString => $"127.0.0.1:{Port}";

    protected override (string Command, string[] Arguments) Command() =>
        ("redis-server", ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
}

/// <summary>
/// <c>postgres</c> in a temporary data folder (initdb on construction), run as the <c>postgres</c> user when the tests
/// run as root, since postgres refuses root. Its data survives a kill, as a real database's does.
/// </summary>
public sealed class PostgresServer : ControlledProcess
{
    private const string User = "postgres";
    private const string Password = "fault-suite";
    private readonly string _root;
    private readonly string _binDirectory;

    public PostgresServer(int port) : base("postgres", port)
    {
        _binDirectory = Directory.GetDirectories("/usr/lib/postgresql").Select(dir => Path.Combine(dir, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "postgres"))).OrderDescending().First();
        _root = Directory.CreateTempSubdirectory("inference-faults-").FullName;
        var passwordFile = Path.Combine(_root, "password");
        File.WriteAllText(passwordFile, Password);
        if (Environment.IsPrivilegedProcess)
        {
            Run("chown", ["-R", User, _root]);
        }
        var (command, arguments) = AsPostgresUser(Path.Combine(_binDirectory, "initdb"),
            ["-D", DataDirectory, "-U", User, "-E", "UTF8", "--no-locale", "--auth=scram-sha-256", $"--pwfile={passwordFile}"]);
        Run(command, arguments);
    }

    private string DataDirectory => Path.Combine(_root, "data");

    public override string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database=inferencedb";

    protected override (string Command, string[] Arguments) Command() => AsPostgresUser(Path.Combine(_binDirectory, "postgres"),
        ["-D", DataDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=", "-c", "log_min_messages=fatal"]);

    /// <summary>Waits out crash recovery after a kill, then creates the database the first time the server runs.</summary>
    protected override async Task WhenStartedAsync()
    {
        var server = ConnectionString.Replace("Database=inferencedb", "Database=postgres", StringComparison.Ordinal);
        await Eventually.PollAsync(async cancellationToken =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(server);
                await connection.OpenAsync(cancellationToken);
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = 'inferencedb'", connection);
                if (await exists.ExecuteScalarAsync(cancellationToken) is null)
                {
                    await using var create = new NpgsqlCommand("CREATE DATABASE inferencedb", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
                return null;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.CannotConnectNow)
            {
                return exception.Message;
            }
        }, starting => starting is null, TimeSpan.FromSeconds(30), starting => $"postgres is still starting: {starting}", TestContext.Current.CancellationToken);
    }

    /// <summary>The test's own pooled connections to the killed server are dead: drop them.</summary>
    protected override Task WhenKilledAsync()
    {
        NpgsqlConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static (string Command, string[] Arguments) AsPostgresUser(string executable, string[] arguments)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return (executable, arguments);
        }
        return ("setpriv", [$"--reuid={User}", $"--regid={User}", "--init-groups", "--", executable, .. arguments]);
    }

    private static void Run(string command, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments)
            { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{output.Result}");
        }
    }
}
