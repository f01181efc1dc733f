using System.Net;
using System.Net.Sockets;
using Trove.Cluster.Membership;
using Trove.Cluster.Transport;

namespace Trove.Cluster.Tests;

/// <summary>The UDP + TCP transport over loopback. Waits are only guards against hanging; nothing asserts durations.</summary>
public sealed class SocketTransportTests
{
    private static readonly TimeSpan _guard = TimeSpan.FromSeconds(20);

    private sealed class Recorder : IClusterTransportHandler
    {
        public TaskCompletionSource<(NodeAddress From, byte[] Packet)> Packet { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnPacket(NodeAddress from, ReadOnlyMemory<byte> packet) => Packet.TrySetResult((from, packet.ToArray()));

        public byte[]? OnStream(NodeAddress from, ReadOnlyMemory<byte> request) => [.. request.ToArray().Reverse()];
    }

    private static SocketTransport Loopback() => new(new IPEndPoint(IPAddress.Loopback, 0), TimeSpan.FromSeconds(5));

    private static Task<byte[]?> ExchangeAsync(SocketTransport from, NodeAddress to, byte[] request)
    {
        var reply = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
        from.Exchange(to, request, TimeSpan.FromSeconds(5), r => reply.SetResult(r));
        return reply.Task.WaitAsync(_guard);
    }

    [Fact]
    public async Task DatagramAndExchangeTravelBetweenTwoTransports()
    {
        using SocketTransport a = Loopback();
        using SocketTransport b = Loopback();
        var atB = new Recorder();
        a.Start(new Recorder());
        b.Start(atB);

        a.SendPacket(b.LocalAddress, [1, 2, 3]);
        (NodeAddress from, byte[] packet) = await atB.Packet.Task.WaitAsync(_guard);
        byte[]? reply = await ExchangeAsync(a, b.LocalAddress, [1, 2, 3, 4]);

        Assert.Equal([1, 2, 3], packet);
        Assert.Equal(a.LocalAddress, from);
        Assert.Equal([4, 3, 2, 1], reply);
    }

    [Fact]
    public async Task ExchangeWithNobodyListeningRepliesNull()
    {
        using SocketTransport a = Loopback();
        a.Start(new Recorder());
        NodeAddress closed;
        using (SocketTransport gone = Loopback())
            closed = gone.LocalAddress;

        Assert.Null(await ExchangeAsync(a, closed, [1]));
    }

    [Fact]
    public async Task AStreamWithAnAbsurdLengthIsCutOffAndTheListenerKeepsServing()
    {
        using SocketTransport a = Loopback();
        using SocketTransport b = Loopback();
        a.Start(new Recorder());
        b.Start(new Recorder());
        using (var hostile = new TcpClient())
        {
            await hostile.ConnectAsync(IPAddress.Loopback, b.LocalAddress.Port);
            await hostile.GetStream().WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF });
            Assert.True(await ClosedByPeerAsync(hostile.GetStream()));
        }

        Assert.Equal([2, 1], await ExchangeAsync(a, b.LocalAddress, [1, 2]));
    }

    /// <summary>True when the peer closed (end of stream, or a reset if it closed with our bytes unread).</summary>
    private static async Task<bool> ClosedByPeerAsync(NetworkStream stream)
    {
        try
        {
            return await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(_guard) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    public async Task TwoNodesJoinOverLoopback()
    {
        using var a = new SwimNode(new ClusterOptions { NodeName = "a" }, Loopback(), TimeProvider.System, seed: 1);
        using var b = new SwimNode(new ClusterOptions { NodeName = "b" }, Loopback(), TimeProvider.System, seed: 2);
        a.Start();
        b.Start();

        NodeAddress seed = await b.JoinAsync([a.Address]).WaitAsync(_guard);

        Assert.Equal(a.Address, seed);
        Assert.Equal(MemberState.Alive, b.Find("a")?.State);
        Assert.Equal(MemberState.Alive, a.Find("b")?.State);
    }
}
