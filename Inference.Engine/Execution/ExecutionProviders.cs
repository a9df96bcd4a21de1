using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Inference.Engine.Execution;

/// <summary>Which execution provider was asked for, which one runs the model, and why they differ.</summary>
public sealed record ExecutionProviderChoice(string Requested, string Actual, string? FallbackReason);

/// <summary>
/// Session tuning shared by every model. With <paramref name="OptimizedModelCachePrefix"/> set, the graph
/// ONNX Runtime optimizes is saved beside that prefix and later loads skip optimization.
/// </summary>
public sealed record SessionSettings(int IntraOpThreads, GraphOptimizationLevel OptimizationLevel, string? OptimizedModelCachePrefix = null)
{
    /// <summary>Whether intra-op threads spin between parallel sections (<c>Inference:AllowSpinning</c>).</summary>
    public bool AllowSpinning { get; init; }
}

/// <summary>
/// Creates ONNX Runtime sessions on the best provider available: <c>auto</c> tries CUDA (Linux, Windows),
/// then DirectML (Windows), then CPU; an explicit provider that cannot start falls back to CPU with the reason.
/// </summary>
public static class ExecutionProviders
{
    public const string Auto = "auto";
    public const string Cuda = "cuda";
    public const string DirectML = "directml";
    public const string Cpu = "cpu";

    public static readonly IReadOnlyList<string> Known = [Auto, Cuda, DirectML, Cpu];

    private static readonly ConcurrentDictionary<string, string> UnavailableProviders = new();

    static ExecutionProviders()
    {
        // Provider failures surface as exceptions that are logged once with context; ONNX Runtime's own
        // console logging would repeat them on stderr for every model.
        var environment = new EnvironmentCreationOptions { logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, logId = "inference" };
        OrtEnv.CreateInstanceWithOptions(ref environment);
    }

    public static (InferenceSession Session, ExecutionProviderChoice Choice) CreateSession(
        string modelPath, string requested, SessionSettings settings)
    {
        requested = requested.ToLowerInvariant();
        if (!Known.Contains(requested))
        {
            throw new ArgumentException($"Execution provider '{requested}' is not one of {string.Join(", ", Known)}.");
        }

        var failures = new List<string>();
        foreach (var candidate in Candidates(requested))
        {
            var problem = FindKnownProblem(candidate);
            if (problem is null)
            {
                SessionOptions? options = null;
                var pathToLoad = modelPath;
                try
                {
                    options = CreateOptions(candidate, settings);
                    pathToLoad = UseOptimizedModelCache(options, modelPath, candidate, settings);
                }
                catch (Exception exception) when (candidate != Cpu && IsProviderFailure(exception))
                {
                    // A provider whose libraries cannot load will not load for the next model either.
                    problem = UnavailableProviders[candidate] = FirstLine(exception.Message);
                }

                try
                {
                    if (options is not null)
                    {
                        var session = new InferenceSession(pathToLoad, options);
                        var reason = failures.Count == 0 ? null : string.Join("; ", failures);
                        return (session, new ExecutionProviderChoice(requested, candidate, reason));
                    }
                }
                catch (Exception exception) when (candidate != Cpu && IsProviderFailure(exception))
                {
                    problem = FirstLine(exception.Message);
                }
                finally
                {
                    options?.Dispose();
                }
            }
            failures.Add($"{candidate}: {problem}");
        }

        throw new InvalidOperationException($"No execution provider could run the model: {string.Join("; ", failures)}");
    }

    /// <summary>Loads a cached optimized graph when one exists, else asks ONNX Runtime to write one.</summary>
    private static string UseOptimizedModelCache(SessionOptions options, string modelPath, string provider, SessionSettings settings)
    {
        if (settings.OptimizedModelCachePrefix is null)
        {
            return modelPath;
        }
        // Optimized graphs may hold provider-specific nodes, so each provider keeps its own file.
        var cached = $"{settings.OptimizedModelCachePrefix}-{provider}-{settings.OptimizationLevel}.onnx";
        if (File.Exists(cached))
        {
            options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
            return cached;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        options.OptimizedModelFilePath = cached;
        return modelPath;
    }

    private static string? FindKnownProblem(string provider) => provider switch
    {
        Cuda when !(OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) => "CUDA runs on Linux and Windows only",
        DirectML when !OperatingSystem.IsWindows() => "DirectML runs on Windows only",
        _ => UnavailableProviders.GetValueOrDefault(provider),
    };

    private static bool IsProviderFailure(Exception exception) =>
        exception is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or InvalidOperationException;

    private static IEnumerable<string> Candidates(string requested) => requested switch
    {
        Auto => [Cuda, DirectML, Cpu],
        Cpu => [Cpu],
        _ => [requested, Cpu],
    };

    private static SessionOptions CreateOptions(string provider, SessionSettings settings)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = settings.OptimizationLevel,
            IntraOpNumThreads = settings.IntraOpThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        // See InferenceOptions.AllowSpinning for the trade-off.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", settings.AllowSpinning ? "1" : "0");
        try
        {
            switch (provider)
            {
                case Cuda:
                    options.AppendExecutionProvider_CUDA(0);
                    break;
                case DirectML:
                    // DirectML's method exists only in the Windows DirectML package, so it is found at run time.
                    var appendDirectML = typeof(SessionOptions).GetMethod("AppendExecutionProvider_DML", [typeof(int)])
                        ?? throw new InvalidOperationException("this build has no DirectML provider (Microsoft.ML.OnnxRuntime.DirectML package)");
                    options.EnableMemoryPattern = false;
                    appendDirectML.Invoke(options, [0]);
                    break;
            }
            return options;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            options.Dispose();
            throw new InvalidOperationException(exception.InnerException.Message, exception.InnerException);
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static string FirstLine(string message) =>
        message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? message;
}
