using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.Server.Memcache;
using Trove.Storage;

namespace Trove.Server.Tests.Hosting;

public sealed class ConnectionLimitTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConnectionBeyondTheLimitGetsMemcachedsErrorAndIsClosed()
    {
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0, MaxConnections = 2 }, new EngineOptions());

        using TcpClient first = await ConnectAndWaitForReplyAsync(node.Port);
        using TcpClient second = await ConnectAndWaitForReplyAsync(node.Port);
        Assert.Equal(2, node.Context.CurrentConnections);

        using (var third = new TcpClient())
        {
            await third.ConnectAsync(IPAddress.Loopback, node.Port);
            string reply = await ReadToEndAsync(third.GetStream());
            Assert.Equal("ERROR Too many open connections\r\n", reply);
        }
        Assert.Equal(1, node.Context.Counters.Read(ProtocolCounter.RejectedConnections));

        first.Close();
        await WaitUntilAsync(() => node.Context.CurrentConnections == 1);
        using TcpClient again = await ConnectAndWaitForReplyAsync(node.Port);
        Assert.Equal(2, node.Context.CurrentConnections);
        Assert.Equal(3, node.Context.Counters.Read(ProtocolCounter.TotalConnections));
    }

    [Fact]
    public async Task ClosedConnectionsAreNoLongerCounted()
    {
        await using TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions());
        var clients = new List<TcpClient>();
        for (int i = 0; i < 20; i++)
        {
            clients.Add(await ConnectAndWaitForReplyAsync(node.Port));
        }
        Assert.Equal(20, node.Context.CurrentConnections);

        foreach (TcpClient client in clients)
        {
            client.Dispose();
        }
        await WaitUntilAsync(() => node.Context.CurrentConnections == 0);
        Assert.Equal(20, node.Context.Counters.Read(ProtocolCounter.TotalConnections));
    }

    [Fact]
    public async Task DisposingANodeWithOpenConnectionsCompletes()
    {
        TroveNode node = await TroveNode.StartAsync(new ServerOptions { Port = 0 }, new EngineOptions());
        using TcpClient idle = await ConnectAndWaitForReplyAsync(node.Port);

        Task dispose = node.DisposeAsync().AsTask();
        Assert.Same(dispose, await Task.WhenAny(dispose, Task.Delay(HangLimit)));
        await dispose;

        // The server side is gone: the idle client reads end of stream (or a reset).
        string rest;
        try
        {
            rest = await ReadToEndAsync(idle.GetStream());
        }
        catch (IOException)
        {
            rest = "";
        }
        Assert.Equal("", rest);
    }

    /// <summary>Connects and waits for the reply to one request, so the server has surely accepted the connection.</summary>
    private static async Task<TcpClient> ConnectAndWaitForReplyAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync("version\r\n"u8.ToArray());
        using var hang = new CancellationTokenSource(HangLimit);
        var buffer = new byte[256];
        int total = 0;
        while (total == 0 || buffer[total - 1] != (byte)'\n')
        {
            int n = await stream.ReadAsync(buffer.AsMemory(total), hang.Token);
            Assert.NotEqual(0, n);
            total += n;
        }
        return client;
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        using var hang = new CancellationTokenSource(HangLimit);
        var received = new StringBuilder();
        var buffer = new byte[256];
        int n;
        while ((n = await stream.ReadAsync(buffer, hang.Token)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return received.ToString();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var hang = new CancellationTokenSource(HangLimit);
        while (!condition())
        {
            await Task.Delay(10, hang.Token);
        }
    }
}
