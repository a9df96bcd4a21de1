using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>
/// Runs the machine's own <c>postgres</c> and <c>redis-server</c> as Aspire executables, for machines
/// without a healthy container runtime. Data lives in a per-user folder kept across runs.
/// </summary>
internal static class LocalInfrastructureExtensions
{
    private const string PostgresUser = "postgres";

    public static (IResourceBuilder<IResourceWithConnectionString>, IResourceBuilder<IResourceWithConnectionString>)
        AddLocalInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var dataRoot = builder.Configuration["Infrastructure:DataDirectory"] ?? DefaultDataRoot();
        Directory.CreateDirectory(dataRoot);
        return (builder.AddLocalPostgres(dataRoot), builder.AddLocalRedis(dataRoot));
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalPostgres(this IDistributedApplicationBuilder builder, string dataRoot)
    {
        var binDirectory = LocalBinaries.FindPostgresBinDirectory()
            ?? throw new DistributedApplicationException("Local mode needs PostgreSQL: sudo apt-get install -y postgresql");
        var major = Path.GetFileName(Path.GetDirectoryName(binDirectory)) ?? "pg";
        var dataDirectory = Path.Combine(dataRoot, $"postgres-{major}");
        var password = builder.ExecutionContext.IsRunMode
            ? EnsureInitialized(binDirectory, dataDirectory, Path.Combine(dataRoot, "postgres.password"))
            : string.Empty;

        // postgres refuses to run as root: drop to the postgres user with setpriv, which execs in place so
        // Aspire's stop signal reaches the server itself and no process is left behind.
        var (command, prefix) = RunAsPostgresUser(Path.Combine(binDirectory, "postgres"));
        var server = new LocalPostgresResource("postgres", command, dataRoot, password);
        var serverBuilder = builder.AddResource(server)
            .WithArgs([.. prefix, "-D", dataDirectory, "-c", "listen_addresses=localhost", "-c", "unix_socket_directories=",
                // postgres logs everything to stderr; keep routine start-up lines out of the error stream.
                "-c", "log_min_messages=warning"])
            // postgres reads its port from PGPORT; Aspire allocates it.
            .WithEndpoint(LocalPostgresResource.EndpointName, endpoint =>
            {
                endpoint.UriScheme = "tcp";
                endpoint.Transport = "tcp";
            }, createIfNotExists: true)
            .WithEnvironment(context => context.EnvironmentVariables["PGPORT"] = server.Endpoint.Property(EndpointProperty.TargetPort))
            .WithConnectionHealthCheck(builder, (services, connectionString) =>
                services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: "postgres-check"), "postgres-check");

        var database = new LocalPostgresDatabaseResource(InfrastructureExtensions.DatabaseName, InfrastructureExtensions.DatabaseName, server);
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (readyEvent, cancellationToken) =>
        {
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
            await CreateDatabaseIfMissingAsync(connectionString!, database.DatabaseName, cancellationToken);
            // A database has no process of its own: it runs once its server is ready and it exists.
            await readyEvent.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .WithParentRelationship(serverBuilder)
            .WithConnectionHealthCheck(builder, (services, connectionString) =>
                services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: "inferencedb-check"), "inferencedb-check");
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(this IDistributedApplicationBuilder builder, string dataRoot)
    {
        var redisServer = LocalBinaries.FindRedisServer()
            ?? throw new DistributedApplicationException("Local mode needs Redis: sudo apt-get install -y redis-server");
        var redisData = Path.Combine(dataRoot, "redis");
        Directory.CreateDirectory(redisData);

        var redis = new LocalRedisResource(InfrastructureExtensions.RedisName, redisServer, redisData);
        return builder.AddResource(redis)
            .WithEndpoint(LocalRedisResource.EndpointName, endpoint =>
            {
                endpoint.UriScheme = "tcp";
                endpoint.Transport = "tcp";
            }, createIfNotExists: true)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var arg in new[] { "--bind", "127.0.0.1", "--dir", redisData, "--appendonly", "yes", "--save", "", "--protected-mode", "yes" })
                {
                    context.Args.Add(arg);
                }
            })
            .WithConnectionHealthCheck(builder, (services, connectionString) =>
                services.AddHealthChecks().AddRedis(_ => connectionString(), name: "redis-check"), "redis-check");
    }

    /// <summary>Registers a health check that reads the resource's connection string once Aspire has allocated its endpoint.</summary>
    private static IResourceBuilder<T> WithConnectionHealthCheck<T>(
        this IResourceBuilder<T> resource,
        IDistributedApplicationBuilder builder,
        Action<IServiceCollection, Func<string>> register,
        string key) where T : IResourceWithConnectionString
    {
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource.Resource, async (_, cancellationToken) =>
            connectionString = await resource.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
        register(builder.Services, () => connectionString ?? throw new InvalidOperationException($"{resource.Resource.Name} has no endpoint yet."));
        return resource.WithHealthCheck(key);
    }

    private static string DefaultDataRoot()
    {
        if (Environment.IsPrivilegedProcess)
        {
            // Root's home is closed to the postgres user the server runs as.
            return "/var/lib/inference-local";
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        return Path.Combine(
            string.IsNullOrEmpty(dataHome) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share") : dataHome,
            "inference");
    }

    /// <summary>Runs initdb on first use and returns the superuser password kept beside the data.</summary>
    private static string EnsureInitialized(string binDirectory, string dataDirectory, string passwordFile)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return File.Exists(passwordFile)
                ? File.ReadAllText(passwordFile).Trim()
                : throw new DistributedApplicationException($"{dataDirectory} exists but its password file {passwordFile} is missing; delete the folder to start afresh.");
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        Directory.CreateDirectory(dataDirectory);
        var initialPasswordFile = Path.Combine(dataDirectory, "..", $".initdb-{Guid.NewGuid():N}");
        File.WriteAllText(initialPasswordFile, password);
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                Run("chown", "-R", $"{PostgresUser}:{PostgresUser}", dataDirectory, initialPasswordFile);
            }
            var (command, prefix) = RunAsPostgresUser(Path.Combine(binDirectory, "initdb"));
            Run(command, [.. prefix, "-D", dataDirectory, "-U", PostgresUser, "-E", "UTF8", "--no-locale",
                "--auth=scram-sha-256", $"--pwfile={initialPasswordFile}"]);
        }
        finally
        {
            File.Delete(initialPasswordFile);
        }

        File.WriteAllText(passwordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return password;
    }

    private static (string Command, string[] Prefix) RunAsPostgresUser(string executable) =>
        Environment.IsPrivilegedProcess
            ? ("setpriv", [$"--reuid={PostgresUser}", $"--regid={PostgresUser}", "--init-groups", "--", executable])
            : (executable, []);

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"'{command} {string.Join(' ', args)}' failed ({process.ExitCode}): {error}{output.Result}");
        }
    }

    private static async Task CreateDatabaseIfMissingAsync(string serverConnectionString, string databaseName, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", databaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
