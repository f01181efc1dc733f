using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trove.Server.Tests.Executable;

public sealed class TroveExecutableTests
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ExecutableServesMemcachedFlagsAndStopsCleanlyOnSigterm()
    {
        int port = TroveProcess.FreePort();
        using var trove = TroveProcess.Start($"-p {port} -U 0 -m 32 -c 100 -t 2 -I 1m");
        using (TcpClient client = await trove.ConnectAsync(port))
        {
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync("set foo 0 0 12\r\nhello, world\r\nget foo\r\n"u8.ToArray());
            string reply = await ReadUntilAsync(stream, "END\r\n");
            Assert.Equal("STORED\r\nVALUE foo 0 12\r\nhello, world\r\nEND\r\n", reply);
        }

        trove.Terminate();
        Assert.True(trove.WaitForExit(ExitLimit), "trove did not exit after SIGTERM");
        Assert.Equal(0, trove.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", trove.StandardOutput);
    }

    [Fact]
    public void ExecutableRejectsBadFlagsWithUsageExitCode()
    {
        using var trove = TroveProcess.Start("-U 5");
        Assert.True(trove.WaitForExit(ExitLimit));
        Assert.Equal(64, trove.ExitCode);
        Assert.Contains("UDP", trove.StandardError);
    }

    [Fact]
    public void ExecutableReportsAPortInUse()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;

        using var trove = TroveProcess.Start($"-p {port}");
        Assert.True(trove.WaitForExit(ExitLimit));
        Assert.Equal(69, trove.ExitCode);
        Assert.Contains("failed to listen", trove.StandardError);
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string terminator)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received.ToString().EndsWith(terminator, StringComparison.Ordinal))
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
