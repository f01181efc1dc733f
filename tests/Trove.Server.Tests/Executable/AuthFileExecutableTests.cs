using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Trove.Server.Tests.Executable;

/// <summary>The executable's -Y/--auth-file: refused when unusable, reloaded on SIGHUP as memcached does.</summary>
public sealed class AuthFileExecutableTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _authFile = Path.Combine(Path.GetTempPath(), $"trove-auth-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_authFile);

    [Fact]
    public async Task SighupReloadsTheAuthFile()
    {
        File.WriteAllText(_authFile, "alice:secret\n");
        int port = TroveProcess.FreePort();
        using var trove = TroveProcess.Start($"-p {port} -Y {_authFile}");
        Assert.Equal("STORED\r\n", await AuthenticateAsync(trove, port, "alice secret"));
        Assert.Equal("CLIENT_ERROR authentication failure\r\n", await AuthenticateAsync(trove, port, "carol fresh"));

        File.WriteAllText(_authFile, "carol:fresh\n");
        trove.Signal("HUP");

        // The signal is handled on its own thread: ask again until the new user is in (bounded, never a sleep that decides).
        var waited = Stopwatch.StartNew();
        string reply;
        while ((reply = await AuthenticateAsync(trove, port, "carol fresh")) != "STORED\r\n" && waited.Elapsed < Bound)
        {
            await Task.Delay(50);
        }
        Assert.Equal("STORED\r\n", reply);
        Assert.Equal("CLIENT_ERROR authentication failure\r\n", await AuthenticateAsync(trove, port, "alice secret"));
        Assert.False(trove.HasExited, "SIGHUP stopped the process");
    }

    [Fact]
    public void AMalformedAuthFileIsAUsageError()
    {
        File.WriteAllText(_authFile, "no colon on this line\n");
        using var trove = TroveProcess.Start($"-p {TroveProcess.FreePort()} --auth-file {_authFile}");

        Assert.True(trove.WaitForExit(Bound));
        Assert.Equal(64, trove.ExitCode);
        Assert.Contains("auth file line 1", trove.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingTlsKeyIsAUsageError()
    {
        using var trove = TroveProcess.Start($"-p {TroveProcess.FreePort()} --tls-cert {_authFile}");

        Assert.True(trove.WaitForExit(Bound));
        Assert.Equal(64, trove.ExitCode);
        Assert.Contains("--tls-key", trove.StandardError, StringComparison.Ordinal);
    }

    private static async Task<string> AuthenticateAsync(TroveProcess trove, int port, string credentials)
    {
        using TcpClient client = await trove.ConnectAsync(port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"set auth 0 0 {credentials.Length}\r\n{credentials}\r\n"));
        var received = new StringBuilder();
        var buffer = new byte[1024];
        using var hang = new CancellationTokenSource(Bound);
        while (!received.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            int n = await stream.ReadAsync(buffer, hang.Token);
            if (n == 0)
            {
                break;
            }
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return received.ToString();
    }
}
