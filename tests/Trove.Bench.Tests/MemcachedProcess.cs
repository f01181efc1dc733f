using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trove.Bench.Tests;

/// <summary>A memcached started on a free loopback port for one test, killed on dispose.</summary>
internal sealed class MemcachedProcess : IDisposable
{
    private const string Executable = "/usr/bin/memcached";
    private readonly Process _process;

    private MemcachedProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Server => $"127.0.0.1:{Port}";

    public static MemcachedProcess Start(int megabytes = 64)
    {
        // The bench tests need a real server; scripts/test.sh installs memcached.
        Assert.True(File.Exists(Executable), $"{Executable} is missing: install memcached (scripts/test.sh does)");
        var port = FreePort();
        var start = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "-p", port.ToString(), "-l", "127.0.0.1", "-U", "0", "-t", "1", "-m", megabytes.ToString() },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        if (Environment.UserName == "root")
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add("root"); // memcached refuses to run as root without -u
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("memcached did not start");
        var memcached = new MemcachedProcess(process, port);
        memcached.WaitUntilListening();
        return memcached;
    }

    /// <summary>Sends "stats" and returns the named figure.</summary>
    public long Stat(string name)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        stream.Write("stats\r\n"u8);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().EndsWith("END\r\n", StringComparison.Ordinal))
        {
            var read = stream.Read(buffer);
            Assert.True(read > 0, "memcached closed the connection during stats");
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        var prefix = $"STAT {name} ";
        var line = text.ToString().Split("\r\n").Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return long.Parse(line[prefix.Length..]);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }

    private void WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"memcached exited: {_process.StandardError.ReadToEnd()}");
            }
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        Dispose();
        Assert.Fail("memcached did not listen within 10 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
