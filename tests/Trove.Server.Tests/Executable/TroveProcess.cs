using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trove.Server.Tests.Executable;

/// <summary>The real `trove` executable (the trove.dll built beside the tests) run as a child process.</summary>
internal sealed class TroveProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private TroveProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { lock (_stdout) { _stdout.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static TroveProcess Start(string arguments)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "trove.dll");
        var info = new ProcessStartInfo("dotnet", $"exec \"{dll}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        return new TroveProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start trove"));
    }

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }
    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Connects once the process listens; fails after a generous hang-detecting limit.</summary>
    public async Task<TcpClient> ConnectAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return client;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !_process.HasExited)
            {
                client.Dispose();
                await Task.Delay(100);
            }
        }
    }

    /// <summary>SIGKILL (kill -9): the process gets no chance to say goodbye.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Sends SIGTERM, as a service manager or kill(1) does.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends a signal by name (TERM, HUP) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", $"-{name} {_process.Id}");
        kill.WaitForExit();
    }

    /// <summary>Waits for exit; once exited, also waits until redirected output has been read to the end.</summary>
    public bool WaitForExit(TimeSpan limit)
    {
        if (!_process.WaitForExit(limit))
        {
            return false;
        }
        _process.WaitForExit();
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
