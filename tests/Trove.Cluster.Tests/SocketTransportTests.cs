using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
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

    /// <summary>A TCP peer that accepts every connection and then neither reads nor writes nor closes.</summary>
    private sealed class SilentPeer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentBag<TcpClient> _held = [];
        private readonly CancellationTokenSource _stop = new();

        public SilentPeer()
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        _held.Add(await _listener.AcceptTcpClientAsync(_stop.Token));
                        Accepted.TrySetResult();
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    // Disposed: stop accepting.
                }
            });
        }

        public NodeAddress Address => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

        public TaskCompletionSource Accepted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            foreach (TcpClient client in _held)
                client.Dispose();
        }
    }

    /// <summary>Keeps log events from any thread; a waiter can ask for the first of one id.</summary>
    private sealed class EventLog : ILogger
    {
        public ConcurrentQueue<(int Id, string Message)> Entries { get; } = [];

        public TaskCompletionSource SeedUnanswered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Entries.Enqueue((eventId.Id, formatter(state, exception)));
            if (eventId.Id == 106)
                SeedUnanswered.TrySetResult();
        }
    }

    [Fact]
    public async Task AnExchangeWithAPeerThatAcceptsAndNeverAnswersEndsWithNoReply()
    {
        using var silent = new SilentPeer();
        using SocketTransport a = Loopback();
        using SocketTransport b = Loopback();
        a.Start(new Recorder());
        b.Start(new Recorder());

        var reply = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Exchange(silent.Address, [1, 2, 3], TimeSpan.FromMilliseconds(300), r => reply.SetResult(r));

        Assert.Null(await reply.Task.WaitAsync(_guard)); // the stream timeout ended it, not the guard
        await silent.Accepted.Task.WaitAsync(_guard); // it was answered by a connection, not refused
        Assert.Equal([2, 1], await ExchangeAsync(a, b.LocalAddress, [1, 2])); // and the transport still works
    }

    [Fact]
    public async Task AJoinThroughASeedThatNeverAnswersTimesOutAndTheNodeStillJoinsThroughAnother()
    {
        using var silent = new SilentPeer();
        var log = new EventLog();
        var fast = new ClusterOptions
        {
            NodeName = "a",
            ProbeInterval = TimeSpan.FromMilliseconds(200),
            ProbeTimeout = TimeSpan.FromMilliseconds(100),
            StreamTimeout = TimeSpan.FromMilliseconds(300),
        };
        using var a = new SwimNode(fast, Loopback(), TimeProvider.System, seed: 1, log);
        using var b = new SwimNode(new ClusterOptions { NodeName = "b" }, Loopback(), TimeProvider.System, seed: 2);
        a.Start();
        b.Start();

        Task<NodeAddress> join = a.JoinAsync([silent.Address]);
        await log.SeedUnanswered.Task.WaitAsync(_guard); // the exchange timed out and was logged; the join goes on
        Assert.False(join.IsCompleted);
        NodeAddress seed = await a.JoinAsync([silent.Address, b.Address]).WaitAsync(_guard);

        Assert.Equal(b.Address, seed);
        await silent.Accepted.Task.WaitAsync(_guard);
        Assert.Equal(MemberState.Alive, a.Find("b")?.State);
        Assert.Equal(MemberState.Alive, b.Find("a")?.State);
        Assert.Single(log.Entries, e => e.Id == 106 && e.Message.Contains(silent.Address.ToString()));
    }
}
