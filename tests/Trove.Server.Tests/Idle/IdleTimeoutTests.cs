using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.Server.Memcache;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Idle;

/// <summary>--idle-timeout (memcached -o idle_timeout): idle connections are closed and counted in idle_kicks.</summary>
public sealed class IdleTimeoutTests
{
    /// <summary>Only a bound on waiting for the close (never what decides the test): the timeout is 1 second.</summary>
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnIdleConnectionIsClosedAndCountedInIdleKicks()
    {
        await using IServerUnderTest server = await Candidate.StartAsync(ServerSettings.Default with { IdleTimeoutSeconds = 1 });
        using var idle = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await idle.ConnectAsync(IPAddress.Loopback, server.Port);
        await idle.SendAsync("version\r\n"u8.ToArray(), SocketFlags.None);

        var received = new StringBuilder();
        var buffer = new byte[1024];
        using var bound = new CancellationTokenSource(CloseBound);
        bool closed = false;
        while (!closed)
        {
            int read = await idle.ReceiveAsync(buffer, SocketFlags.None, bound.Token);
            closed = read == 0;
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("VERSION ", received.ToString(), StringComparison.Ordinal);
        Transcript stats = await RawClient.ExchangeAsync(server.Port, "stats\r\n"u8.ToArray());
        Assert.Contains("STAT idle_kicks 1\r\n", Encoding.ASCII.GetString(stats.Reply), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSweepClosesOnlyConnectionsWaitingForACommandPastTheTimeout()
    {
        var registry = new ConnectionRegistry();
        int aborted = 0;
        ClientConnection Open(uint lastCommand, ConnectionState state)
        {
            ClientConnection connection = registry.Register(remote: null, local: null, now: lastCommand);
            connection.State = state;
            connection.RequestClose = () => Interlocked.Increment(ref aborted);
            return connection;
        }

        using ClientConnection stale = Open(lastCommand: 100, ConnectionState.Read);
        using ClientConnection fresh = Open(lastCommand: 104, ConnectionState.Read);
        using ClientConnection midValue = Open(lastCommand: 100, ConnectionState.ReadValue);
        using ClientConnection swallowing = Open(lastCommand: 100, ConnectionState.Swallow);

        Assert.Equal(1, registry.CloseIdle(now: 105, timeoutSeconds: 4));
        Assert.Equal(1, aborted);
        // A connection slow to go away is not kicked (or counted) twice.
        Assert.Equal(0, registry.CloseIdle(now: 106, timeoutSeconds: 4));
        // Exactly the timeout is not past it (memcached kicks when idle time > idle_timeout).
        Assert.Equal(0, registry.CloseIdle(now: 108, timeoutSeconds: 4));
        Assert.Equal(1, registry.CloseIdle(now: 109, timeoutSeconds: 4));
        Assert.Equal(2, aborted);
    }
}
