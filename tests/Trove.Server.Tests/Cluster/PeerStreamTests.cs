using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Trove.Cluster.Wire;
using Trove.Server.Cluster.Peers;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Cluster;

/// <summary>The node-to-node data stream refuses what it cannot trust and never waits forever for a peer.</summary>
public sealed class PeerStreamTests
{
    private static async Task<bool> ClosedByPeerAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20)); // hang guard only
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token);
            if (read == 0)
                return true;
        }
    }

    private static byte[] Frame(byte[] envelope)
    {
        var frame = new byte[4 + envelope.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)envelope.Length);
        envelope.CopyTo(frame, 4);
        return frame;
    }

    public static TheoryData<string> Strangers => ["garbage", "another cluster", "another key", "truncated length"];

    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task AFrameThatDoesNotOpenClosesTheStreamAndTheNodeKeepsServing(string kind)
    {
        string key = Convert.ToBase64String(new byte[32]);
        await using LocalCluster cluster = await LocalCluster.StartAsync(2, options => options.ClusterKey = key);
        byte[] payload = [(byte)PeerRequestKind.ForwardText, .. "set planted 0 0 1\r\nx\r\n"u8];
        byte[] bytes = kind switch
        {
            "garbage" => Frame([1, 2, 3, 4, 5, 6, 7, 8]),
            "another cluster" => Frame(new PacketSealer("elsewhere", new byte[32]).Seal(payload)),
            "another key" => Frame(new PacketSealer("trove", [.. Enumerable.Repeat((byte)7, 32)]).Seal(payload)),
            _ => [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3],
        };
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, cluster[0].GossipAddress!.Value.Port));
        await socket.SendAsync("TRVD"u8.ToArray(), SocketFlags.None);
        await socket.SendAsync(bytes, SocketFlags.None);

        Assert.True(await ClosedByPeerAsync(socket));
        Assert.Equal(0, (await Stats.ReadAsync(cluster[0].Port))["curr_items"]); // nothing planted
        Transcript reply = await RawClient.ExchangeAsync(cluster[0].Port, "set k 0 0 1\r\nv\r\nget k\r\n"u8.ToArray());
        Assert.Equal("STORED\r\nVALUE k 0 1\r\nv\r\nEND\r\nMN\r\n", System.Text.Encoding.ASCII.GetString(reply.Reply));
    }

    [Fact]
    public async Task AForwardedRequestForAPartitionTheNodeDoesNotServeIsRefusedAndNotExecuted()
    {
        // One copy of each key: node n0 serves about half the partitions.
        await using LocalCluster cluster = await LocalCluster.StartAsync(2, options => options.Replicas = 1);
        using var peers = new PeerClients(new PacketSealer("trove", null), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        var address = cluster[0].GossipAddress!.Value;
        int executed = 0, refused = 0;
        for (int i = 0; i < 64; i++)
        {
            byte[] request = System.Text.Encoding.ASCII.GetBytes($"set key{i} 0 0 1\r\nx\r\n");
            int partition = Trove.Server.Cluster.ClusterRouting.PartitionOf(System.Text.Encoding.ASCII.GetBytes($"key{i}"));
            byte[] payload = ForwardPayload.Create(PeerRequestKind.ForwardText, partition, request.Length);
            request.CopyTo(payload, ForwardPayload.HeaderLength);
            byte[] reply = await peers.Send("n0", address, partition, payload).WaitAsync(TimeSpan.FromSeconds(20));
            if (reply is [(byte)ForwardStatus.NotServing])
                refused++;
            else if (reply.AsSpan().SequenceEqual([(byte)ForwardStatus.Executed, .. "STORED\r\n"u8]))
                executed++;
        }

        Assert.Equal(64, executed + refused);
        Assert.InRange(refused, 1, 63);
        Assert.Equal(executed, (await Stats.ReadAsync(cluster[0].Port))["curr_items"]); // refused ones stored nothing
    }

    [Fact]
    public async Task APeerThatAcceptsAndNeverAnswersTimesOutAndIsThenRefusedAtOnce()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
                accepted.Add(await silent.AcceptTcpClientAsync());
        });
        var address = new Trove.Cluster.NodeAddress("127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port);
        using var peers = new PeerClients(new PacketSealer("trove", null), requestTimeout: TimeSpan.FromMilliseconds(300), connectTimeout: TimeSpan.FromSeconds(1));

        Task<byte[]> first = peers.Send("silent", address, 0, [(byte)PeerRequestKind.ForwardText, .. "get k\r\n"u8]);
        await Assert.ThrowsAsync<PeerUnavailableException>(() => first.WaitAsync(TimeSpan.FromSeconds(20)));
        // A broken connection is replaced; the replacement is dialled again (it connects, then times out the same way).
        Task<byte[]> second = peers.Send("silent", address, 0, [(byte)PeerRequestKind.ForwardText, .. "get k\r\n"u8]);
        await Assert.ThrowsAsync<PeerUnavailableException>(() => second.WaitAsync(TimeSpan.FromSeconds(20)));
        silent.Stop();
    }

    [Fact]
    public async Task AnUnreachablePeerIsRefusedAtOnceForAMomentAfterAFailedConnect()
    {
        int closedPort = LoopbackPort.Free();
        var address = new Trove.Cluster.NodeAddress("127.0.0.1", closedPort);
        using var peers = new PeerClients(new PacketSealer("trove", null), requestTimeout: TimeSpan.FromSeconds(1), connectTimeout: TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<PeerUnavailableException>(() => peers.Send("gone", address, 0, [(byte)PeerRequestKind.ForwardText]).WaitAsync(TimeSpan.FromSeconds(20)));
        Task<byte[]> next = peers.Send("gone", address, 0, [(byte)PeerRequestKind.ForwardText]);
        Assert.True(next.IsFaulted); // no new dial within PeerClients.RetryDelay: the caller goes to the next owner now
    }
}
