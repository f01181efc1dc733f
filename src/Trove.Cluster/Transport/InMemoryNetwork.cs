namespace Trove.Cluster.Transport;

/// <summary>
/// A simulated network for tests: every delivery is a timer of the given <see cref="TimeProvider"/>, so with a manual
/// clock a whole cluster runs on one thread and a run is a pure function of the seed. Delay, jitter, loss, killed
/// nodes, blocked nodes, cut links and partitions are all controllable. Single-threaded use only, as the manual clock is.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Dictionary<NodeAddress, InMemoryTransport> _nodes = [];
    private readonly HashSet<NodeAddress> _killed = [];
    private readonly HashSet<NodeAddress> _blocked = [];
    private readonly Dictionary<NodeAddress, int> _side = [];
    private readonly HashSet<(NodeAddress, NodeAddress)> _cutLinks = [];
    private readonly Dictionary<NodeAddress, long> _bytesSent = [];

    public InMemoryNetwork(TimeProvider time, int seed)
    {
        _time = time;
        _random = new Random(seed);
    }

    /// <summary>One-way delay of every datagram and stream message. <remarks>Defaults to 1 ms.</remarks></summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Uniform extra delay in [0, Jitter). <remarks>Defaults to 1 ms.</remarks></summary>
    public TimeSpan Jitter { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Probability that a datagram is lost (streams are reliable). <remarks>Defaults to 0.</remarks></summary>
    public double LossRate { get; set; }

    /// <summary>Datagrams sent in total.</summary>
    public long PacketsSent { get; private set; }

    /// <summary>Payload bytes sent in total (datagrams and both directions of streams).</summary>
    public long BytesSent { get; private set; }

    /// <summary>Bytes sent by one node (datagrams and stream messages it wrote).</summary>
    public long BytesSentBy(NodeAddress node) => _bytesSent.GetValueOrDefault(node);

    public IClusterTransport CreateTransport(NodeAddress address)
    {
        var transport = new InMemoryTransport(this, address);
        if (!_nodes.TryAdd(address, transport))
            throw new InvalidOperationException($"{address} already exists");
        return transport;
    }

    /// <summary>The node's process is gone: nothing reaches it, nothing leaves it.</summary>
    public void Kill(NodeAddress node) => _killed.Add(node);

    /// <summary>Undoes <see cref="Kill"/>: a restarted process at the same address (dispose the old transport first).</summary>
    public void Revive(NodeAddress node) => _killed.Remove(node);

    /// <summary>Drops everything to and from <paramref name="node"/> until <see cref="Unblock"/> (a flaky NIC).</summary>
    public void Block(NodeAddress node) => _blocked.Add(node);

    public void Unblock(NodeAddress node) => _blocked.Remove(node);

    /// <summary>Splits the network: nodes in <paramref name="sideA"/> reach only each other until <see cref="Heal"/>.</summary>
    public void Partition(IEnumerable<NodeAddress> sideA)
    {
        _side.Clear();
        foreach (NodeAddress node in sideA)
            _side[node] = 1;
    }

    public void Heal() => _side.Clear();

    /// <summary>Drops everything between <paramref name="a"/> and <paramref name="b"/>, both ways, until <see cref="Mend"/>.</summary>
    public void Cut(NodeAddress a, NodeAddress b)
    {
        _cutLinks.Add((a, b));
        _cutLinks.Add((b, a));
    }

    public void Mend(NodeAddress a, NodeAddress b)
    {
        _cutLinks.Remove((a, b));
        _cutLinks.Remove((b, a));
    }

    private bool CanReach(NodeAddress from, NodeAddress to)
        => !_killed.Contains(from) && !_killed.Contains(to) && !_blocked.Contains(from) && !_blocked.Contains(to)
           && _side.GetValueOrDefault(from) == _side.GetValueOrDefault(to) && !_cutLinks.Contains((from, to)) && _nodes.ContainsKey(to);

    private TimeSpan NextDelay() => Delay + TimeSpan.FromTicks((long)(_random.NextDouble() * Jitter.Ticks));

    private void Count(NodeAddress from, int bytes)
    {
        BytesSent += bytes;
        _bytesSent[from] = _bytesSent.GetValueOrDefault(from) + bytes;
    }

    /// <summary>Runs <paramref name="action"/> once, <paramref name="after"/> from now, on the clock's timer.</summary>
    private void At(TimeSpan after, Action action)
    {
        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            timer?.Dispose();
            action();
        }, null, after, Timeout.InfiniteTimeSpan);
    }

    internal void Send(NodeAddress from, NodeAddress to, byte[] packet)
    {
        if (_killed.Contains(from))
            return;
        PacketsSent++;
        Count(from, packet.Length);
        // Loss is drawn for every packet, reachable or not, so blocking one node does not shift the others' draws.
        bool lost = LossRate > 0 && _random.NextDouble() < LossRate;
        TimeSpan delay = NextDelay();
        if (lost)
            return;
        At(delay, () =>
        {
            // Reachability is judged on arrival, so a node killed while a packet is in flight does not get it.
            if (CanReach(from, to) && _nodes[to].Handler is { } handler)
                handler.OnPacket(from, packet);
        });
    }

    internal void Exchange(NodeAddress from, NodeAddress to, byte[] request, TimeSpan timeout, Action<byte[]?> onReply)
    {
        if (_killed.Contains(from))
        {
            At(timeout, () => onReply(null));
            return;
        }
        Count(from, request.Length);
        TimeSpan there = NextDelay();
        At(there, () =>
        {
            byte[]? reply = CanReach(from, to) && _nodes[to].Handler is { } handler ? handler.OnStream(from, request) : null;
            if (reply is null)
            {
                // An unreachable peer looks like a connection that never answers: the caller learns at its timeout.
                At(timeout - there, () => onReply(null));
                return;
            }
            Count(to, reply.Length);
            TimeSpan back = NextDelay();
            At(back, () => onReply(CanReach(to, from) ? reply : null));
        });
    }

    private sealed class InMemoryTransport(InMemoryNetwork network, NodeAddress address) : IClusterTransport
    {
        public IClusterTransportHandler? Handler { get; private set; }

        public NodeAddress LocalAddress => address;

        public void Start(IClusterTransportHandler handler) => Handler = handler;

        public void SendPacket(NodeAddress to, byte[] packet) => network.Send(address, to, packet);

        public void Exchange(NodeAddress to, byte[] request, TimeSpan timeout, Action<byte[]?> onReply)
            => network.Exchange(address, to, request, timeout, onReply);

        public void Dispose()
        {
            Handler = null;
            network._nodes.Remove(address);
        }
    }
}
