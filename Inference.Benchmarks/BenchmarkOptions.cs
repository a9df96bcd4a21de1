using System.Globalization;

namespace Inference.Benchmarks;

/// <summary>Command-line options; the defaults keep a full run to a few minutes on two cores.</summary>
public sealed record BenchmarkOptions
{
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Load on every route of the product's API before its first row (not measured), so the JIT has tiered the serving path up.</summary>
    public TimeSpan ApiWarmup { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Measured time of each HTTP scenario.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Measured time of each batch size in the raw ONNX Runtime sweep.</summary>
    public TimeSpan RawDuration { get; init; } = TimeSpan.FromSeconds(3);

    public IReadOnlyList<int> RawBatchSizes { get; init; } = [1, 2, 4, 8, 16, 32];

    /// <summary>Concurrency levels of the product's API on the DistilBERT-shaped model.</summary>
    public IReadOnlyList<int> ApiConcurrency { get; init; } = [1, 8, 32];

    /// <summary>Concurrency of the seeds' pattern and of the sentiment and MobileNetV2 rows.</summary>
    public int HighConcurrency { get; init; } = 32;

    /// <summary>Distinct text bodies prepared per run, so no request is answered from the cache.</summary>
    public int TextBodies { get; init; } = 150_000;

    public bool SkipSeedsPattern { get; init; }

    /// <summary>Leave out the real Python stack (python_peer/serve.py); P3 is then not computed.</summary>
    public bool SkipPython { get; init; }

    /// <summary>Concurrency levels of the overload rows (far past saturation), on the API and the Python peer.</summary>
    public IReadOnlyList<int> OverloadConcurrency { get; init; } = [128, 512];

    /// <summary>How long a client of the overload rows waits before it gives up on a request.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Also run the API with the prediction log, cache and rate limits off, for the P6 ratio (one AppHost start more).</summary>
    public bool ServingFeatures { get; init; }

    /// <summary>Run only seed 004's case: four models of the seed's sizes in one API process.</summary>
    public bool OnlySeed004 { get; init; }

    /// <summary>Leave seed 004's case out (its models take several minutes to generate the first time).</summary>
    public bool SkipSeed004 { get; init; }

    public bool ShowLogs { get; init; }

    /// <summary>Settings added to the product's API (environment variables, <c>__</c> for <c>:</c>), to compare configurations.</summary>
    public IReadOnlyDictionary<string, string> ApiSettings { get; init; } = new Dictionary<string, string>();

    public const string Usage = """
        Usage: dotnet run -c Release --project Inference.Benchmarks -- [options]
          --duration <s>        measured seconds per HTTP scenario (default 10)
          --warmup <s>          warm-up seconds before each HTTP scenario (default 3)
          --raw-duration <s>    measured seconds per batch size of the raw sweep (default 3)
          --api-warmup <s>      load on every route of the product's API before its first row, not measured (default 15)
          --batches <list>      raw sweep batch sizes (default 1,2,4,8,16,32)
          --concurrency <list>  API concurrency levels on DistilBERT (default 1,8,32)
          --high <n>            concurrency of the seeds' pattern, sentiment and MobileNetV2 rows (default 32)
          --text-bodies <n>     distinct text bodies prepared (default 150000)
          --skip-seeds          leave out the seeds' pattern (one AppHost start less)
          --skip-python         leave out the real Python stack (FastAPI + uvicorn + PyTorch; P3 is not computed)
          --overload <list>     concurrency levels of the overload rows (default 128,512; empty: none)
          --client-timeout <s>  client timeout of the overload rows (default 2)
          --serving-features    also run the API with prediction log, cache and rate limits off (one AppHost start more; P6)
          --seed004             run only seed 004's case: its four models (3 RoBERTa-base, 1 BART-large) in one API process
          --skip-seed004        leave seed 004's case out
          --logs                show the AppHost's and its resources' logs (to diagnose a failed start)
          --api-setting <k=v>   an environment variable for the product's API, e.g. Inference__AllowSpinning=true (repeatable)
        """;

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--duration" => options with { Duration = Seconds(Value()) },
                "--warmup" => options with { Warmup = Seconds(Value()) },
                "--raw-duration" => options with { RawDuration = Seconds(Value()) },
                "--api-warmup" => options with { ApiWarmup = Seconds(Value()) },
                "--batches" => options with { RawBatchSizes = Integers(Value()) },
                "--concurrency" => options with { ApiConcurrency = Integers(Value()) },
                "--high" => options with { HighConcurrency = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--text-bodies" => options with { TextBodies = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--skip-seeds" => options with { SkipSeedsPattern = true },
                "--skip-python" => options with { SkipPython = true },
                "--overload" => options with { OverloadConcurrency = Integers(Value()) },
                "--client-timeout" => options with { ClientTimeout = Seconds(Value()) },
                "--serving-features" => options with { ServingFeatures = true },
                "--seed004" => options with { OnlySeed004 = true },
                "--skip-seed004" => options with { SkipSeed004 = true },
                "--logs" => options with { ShowLogs = true },
                "--api-setting" => options with { ApiSettings = WithSetting(options.ApiSettings, Value()) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}"),
            };
        }
        return options.OnlySeed004 && options.SkipSeed004
            ? throw new ArgumentException($"--seed004 and --skip-seed004 exclude each other.\n{Usage}")
            : options;
    }

    /// <summary>The options as a command line, printed with the results so a run can be repeated.</summary>
    public string ToCommandLine()
    {
        var defaults = new BenchmarkOptions();
        var changed = new (bool Differs, string Argument)[]
        {
            (Duration != defaults.Duration, $"--duration {SecondsText(Duration)}"),
            (Warmup != defaults.Warmup, $"--warmup {SecondsText(Warmup)}"),
            (RawDuration != defaults.RawDuration, $"--raw-duration {SecondsText(RawDuration)}"),
            (ApiWarmup != defaults.ApiWarmup, $"--api-warmup {SecondsText(ApiWarmup)}"),
            (!RawBatchSizes.SequenceEqual(defaults.RawBatchSizes), $"--batches {string.Join(',', RawBatchSizes)}"),
            (!ApiConcurrency.SequenceEqual(defaults.ApiConcurrency), $"--concurrency {string.Join(',', ApiConcurrency)}"),
            (HighConcurrency != defaults.HighConcurrency, $"--high {HighConcurrency}"),
            (TextBodies != defaults.TextBodies, $"--text-bodies {TextBodies}"),
            (SkipSeedsPattern, "--skip-seeds"),
            (SkipPython, "--skip-python"),
            (!OverloadConcurrency.SequenceEqual(defaults.OverloadConcurrency), $"--overload {string.Join(',', OverloadConcurrency)}"),
            (ClientTimeout != defaults.ClientTimeout, $"--client-timeout {SecondsText(ClientTimeout)}"),
            (ServingFeatures, "--serving-features"),
            (OnlySeed004, "--seed004"),
            (SkipSeed004, "--skip-seed004"),
            (ApiSettings.Count > 0, string.Join(' ', ApiSettings.Select(setting => $"--api-setting {setting.Key}={setting.Value}"))),
        }.Where(option => option.Differs).Select(option => option.Argument).ToArray();

        const string command = "dotnet run -c Release --project Inference.Benchmarks";
        return changed.Length == 0 ? command : $"{command} -- {string.Join(' ', changed)}";
    }

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string setting)
    {
        var (name, value) = setting.Split('=', 2) is [var key, var text] && key.Length > 0
            ? (key, text)
            : throw new ArgumentException($"--api-setting takes NAME=VALUE, not '{setting}'.");
        return new Dictionary<string, string>(settings) { [name] = value };
    }

    private static string SecondsText(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string value) =>
        TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));

    private static int[] Integers(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => int.Parse(item, CultureInfo.InvariantCulture))];
}
