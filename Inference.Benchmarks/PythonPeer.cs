using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Inference.Benchmarks;

/// <summary>
/// The real Python stack beside the API: <c>python_peer/serve.py</c> (FastAPI + uvicorn + PyTorch from Debian's
/// <c>/usr/bin/python3</c>, one request at a time under a lock) serving the same DistilBERT-shaped weights.
/// </summary>
public sealed class PythonPeer : IAsyncDisposable
{
    private const string SystemPython = "/usr/bin/python3";
    private const string Script = "Inference.Benchmarks/python_peer/serve.py";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly Process _process;

    private PythonPeer(Process process, Uri endpoint, TimeSpan startToReady)
    {
        _process = process;
        Endpoint = endpoint;
        StartToReady = startToReady;
    }

    /// <summary>Where it answers <c>POST /api/predict/text</c>, the route the API's text rows call.</summary>
    public Uri Endpoint { get; }

    public int ProcessId => _process.Id;

    /// <summary>From launching Python to the first 200 from <c>/health</c> (the model built and warmed).</summary>
    public TimeSpan StartToReady { get; }

    public static async Task<PythonPeer> StartAsync(BenchmarkModels models, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var command = $"{SystemPython} {Script} {models.CacheRoot} --port {port}";
        if (!File.Exists(SystemPython))
        {
            throw new InvalidOperationException($"The Python peer needs {SystemPython} with python3-torch, python3-fastapi and python3-uvicorn.");
        }
        var started = Stopwatch.GetTimestamp();
        // Its output goes to standard error with ours: standard output carries the results table only.
        var start = new ProcessStartInfo(SystemPython, [Script, models.CacheRoot, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = models.RepositoryRoot,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"'{command}' did not start.");
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) Console.Error.WriteLine(line.Data); };
        process.BeginOutputReadLine();
        var endpoint = new Uri($"http://127.0.0.1:{port}/");
        try
        {
            await WaitHealthyAsync(process, endpoint, command, cancellationToken);
        }
        catch
        {
            await StopAsync(process);
            throw;
        }
        return new PythonPeer(process, endpoint, Stopwatch.GetElapsedTime(started));
    }

    private static async Task WaitHealthyAsync(Process process, Uri endpoint, string command, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"'{command}' exited with code {process.ExitCode}; run it by hand to see why.");
            }
            try
            {
                using var response = await client.GetAsync(new Uri(endpoint, "health"), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: the model is still being built.
            }
            catch (TaskCanceledException) when (!timeout.IsCancellationRequested)
            {
                // One probe timed out; the next one decides.
            }
            if (timeout.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"'{command}' was not healthy within {StartTimeout.TotalMinutes:0} minutes.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync() => new(StopAsync(_process));

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
