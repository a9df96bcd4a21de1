using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Inference.Tests.Observability;

/// <summary>
/// Debian's Prometheus, started on loopback with a temporary folder of its own, scraping one target every second and
/// evaluating the given rule file; killed and its folder removed on dispose.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    public const string Job = "inference-api";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _directory;

    private PrometheusServer(Process process, string directory, Uri url)
    {
        (_process, _directory) = (process, directory);
        Client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public static async Task<PrometheusServer> StartAsync(string target, string ruleFile, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("inference-prometheus-").FullName;
        var configuration = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configuration, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - "{ruleFile}"
            scrape_configs:
              - job_name: {Job}
                static_configs:
                  - targets: ["{target}"]
            """, cancellationToken);
        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo("prometheus")
        {
            ArgumentList =
            {
                $"--config.file={configuration}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (apt-get install prometheus).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
        await Eventually.PollAsync(async token =>
        {
            try
            {
                using var response = await server.Client.GetAsync("/-/ready", token);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, status => status == HttpStatusCode.OK || process.HasExited, StartTimeout, status => $"Prometheus answered {status} on /-/ready",
            cancellationToken);
        Assert.False(process.HasExited, "Prometheus exited at start");
        return server;
    }

    /// <summary>Evaluates <paramref name="expression"/> now through the HTTP API; fails the test unless Prometheus accepts it.</summary>
    public async Task<JsonElement[]> QueryAsync(string expression, CancellationToken cancellationToken)
    {
        using var response = await Client.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Prometheus refused {expression}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        Assert.Equal("success", document.RootElement.GetProperty("status").GetString());
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(result => result.Clone())];
    }

    /// <summary>The value of a query expected to return one series, or null while it returns none.</summary>
    public async Task<double?> ScalarAsync(string expression, CancellationToken cancellationToken)
    {
        var results = await QueryAsync(expression, cancellationToken);
        return results.Length == 0
            ? null
            : double.Parse(results.Single().GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
