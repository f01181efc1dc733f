using System.Diagnostics;
using System.Text;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// A fresh /usr/bin/memcached on a free loopback port (-U 0 -l 127.0.0.1 plus the test's settings).
/// Fails, never skips, when the binary is missing: CI installs it (scripts/test.sh).
/// </summary>
internal sealed class MemcachedProcess : IServerUnderTest
{
    public const string BinaryPath = "/usr/bin/memcached";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private MemcachedProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public string Name => "memcached";

    public int Port { get; }

    public static async Task<MemcachedProcess> StartAsync(ServerSettings settings)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException(
                $"memcached 1.6.18 is required at {BinaryPath} for the differential tests (apt-get install memcached).");
        }

        // A free port can be taken by another process between the probe and memcached's bind: retry a few times.
        for (int attempt = 1; ; attempt++)
        {
            int port = LoopbackPort.Free();
            var info = new ProcessStartInfo(BinaryPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in settings.ToMemcachedArguments(port))
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start memcached");
            var server = new MemcachedProcess(process, port);
            process.OutputDataReceived += (_, e) => server.Record(e.Data);
            process.ErrorDataReceived += (_, e) => server.Record(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            if (await server.WaitUntilAcceptingAsync())
            {
                return server;
            }

            string output = server.Output;
            await server.DisposeAsync();
            if (attempt == 3 || !output.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"memcached {string.Join(' ', info.ArgumentList)} did not accept connections: {output}");
            }
        }
    }

    public long SettledMemoryBytes()
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS in /proc status");
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGKILL: memcached takes a second to honour SIGTERM, and nothing of its state is needed afterwards.
            _process.Kill();
        }

        _process.WaitForExit();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>True once the process listens; false if it exits first; throws if it never listens.</summary>
    private async Task<bool> WaitUntilAcceptingAsync()
    {
        var clock = Stopwatch.StartNew();
        while (!ListeningSocket.IsListening(_process.Id, Port))
        {
            if (_process.HasExited)
            {
                return false;
            }

            if (clock.Elapsed > HarnessLimits.Startup)
            {
                throw new InvalidOperationException($"memcached did not listen within {HarnessLimits.Startup}: {Output}");
            }

            await Task.Delay(5);
        }

        return true;
    }
}
