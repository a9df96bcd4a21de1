using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Inference.Tests.Faults;

/// <summary>
/// A dependency's server process that the fault suite starts, freezes (SIGSTOP, as in a network partition), resumes,
/// kills (SIGKILL) and starts again at the same port.
/// </summary>
public abstract class ControlledProcess : IAsyncDisposable
{
    private Process? _process;

    protected ControlledProcess(string name, int port)
    {
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public abstract string ConnectionString { get; }

    /// <summary>Starts the server and waits until its port accepts connections.</summary>
    public async Task StartAsync()
    {
        var (command, arguments) = Command();
        var start = new ProcessStartInfo(command, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        // Drained so a chatty server never blocks on a full pipe.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.PollAsync(AcceptsAsync, accepted => accepted, TimeSpan.FromSeconds(30),
            _ => $"{Name} does not accept connections on port {Port}", TestContext.Current.CancellationToken);
        await WhenStartedAsync();
    }

    public void Freeze() => Signal("STOP");

    public void Resume() => Signal("CONT");

    /// <summary>SIGKILL, then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }
        Signal("KILL");
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(exited.Token);
        _process.Dispose();
        _process = null;
        await WhenKilledAsync();
    }

    protected abstract (string Command, string[] Arguments) Command();

    protected virtual Task WhenStartedAsync() => Task.CompletedTask;

    protected virtual Task WhenKilledAsync() => Task.CompletedTask;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<bool> AcceptsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Signals the server and its child processes (postgres serves each connection from a child), so a frozen server
    /// answers nothing at all and a killed one leaves nothing behind.
    /// </summary>
    private void Signal(string signal)
    {
        if (_process is null)
        {
            return;
        }
        var id = _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Parent first when stopping (it can fork no more), children first when continuing.
        if (signal == "CONT")
        {
            Run("pkill", [$"-{signal}", "-P", id]);
            Run("kill", [$"-{signal}", id]);
        }
        else
        {
            Run("kill", [$"-{signal}", id]);
            Run("pkill", [$"-{signal}", "-P", id]);
        }
    }

    private static void Run(string command, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"{command} did not start.");
        process.WaitForExit();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            Resume();
            await KillAsync();
        }
        GC.SuppressFinalize(this);
    }
}
