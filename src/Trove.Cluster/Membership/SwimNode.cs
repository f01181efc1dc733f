using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trove.Cluster.Transport;
using Trove.Cluster.Wire;

namespace Trove.Cluster.Membership;

/// <summary>
/// One member of a SWIM cluster, as hashicorp/memberlist runs it: probes (SwimNode.Probe.cs), the state machine of
/// alive/suspect/dead/left with incarnation numbers (SwimNode.State.cs), gossip, push-pull and join
/// (SwimNode.Exchange.cs). Every entry point (timer, packet, stream) runs under one lock, so the protocol logic is
/// single-threaded; member-change events are raised after the lock is released.
/// Time comes only from the TimeProvider and randomness only from the seeded Random, so on a manual clock and an
/// <see cref="InMemoryNetwork"/> a run is reproducible.
/// </summary>
public sealed partial class SwimNode : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ClusterOptions _options;
    private readonly IClusterTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly PacketSealer _sealer;
    private readonly Dictionary<string, MemberEntry> _members = [];
    private readonly BroadcastQueue _broadcasts = new();
    private readonly List<Member> _pendingEvents = [];
    private readonly HashSet<(string Host, OpenResult Reason)> _loggedRefusals = [];
    private readonly HashSet<NodeAddress> _loggedJoinFailures = [];
    private readonly MemberEntry _self;
    private readonly List<ITimer> _timers = [];
    private bool _started;
    private bool _leaving;
    private bool _disposed;

    public SwimNode(ClusterOptions options, IClusterTransport transport, TimeProvider time, int seed, ILogger? logger = null)
    {
        options.Validate();
        _options = options;
        _transport = transport;
        _time = time;
        _random = new Random(seed);
        _logger = logger ?? NullLogger.Instance;
        _sealer = new PacketSealer(options.ClusterName, options.SecretKey);
        _self = new MemberEntry(options.NodeName, transport.LocalAddress) { State = MemberState.Alive, Incarnation = 1, Generation = options.Generation };
        _members.Add(_self.Name, _self);
    }

    /// <summary>Raised (outside the node's lock) whenever a member is added or changes state or incarnation.</summary>
    public event Action<Member>? MemberChanged;

    public string Name => _self.Name;

    public NodeAddress Address => _self.Address;

    /// <summary>This process's life (<see cref="Member.Generation"/>).</summary>
    public ulong Generation => _self.Generation;

    /// <summary>This node's view of every member it knows, itself included, ordered by name.</summary>
    public IReadOnlyList<Member> Members
    {
        get
        {
            lock (_gate)
                return [.. _members.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => m.Snapshot())];
        }
    }

    /// <summary>The state of <paramref name="name"/> as this node sees it; null when unknown.</summary>
    public Member? Find(string name)
    {
        lock (_gate)
            return _members.TryGetValue(name, out MemberEntry? entry) ? entry.Snapshot() : null;
    }

    /// <summary>How many members (itself included) this node sees in <paramref name="state"/>; cheap, for tests and stats.</summary>
    public int CountIn(MemberState state)
    {
        lock (_gate)
            return _members.Values.Count(m => m.State == state);
    }

    /// <summary>This node's incarnation: raised each time it refutes a suspicion or death notice.</summary>
    public uint Incarnation
    {
        get
        {
            lock (_gate)
                return _self.Incarnation;
        }
    }

    /// <summary>Starts receiving and the periodic probe, gossip and push-pull rounds (each at a random phase).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
                throw new InvalidOperationException("already started");
            _started = true;
            _transport.Start(new Handler(this));
            Every(_options.ProbeInterval, ProbeRound);
            Every(_options.GossipInterval, GossipRound);
            Every(_options.PushPullInterval, PushPullRound);
            // Our own alive message goes out with the first packets, as memberlist's setAlive does.
            QueueBroadcast(_self.Name, SelfAlive());
        }
    }

    /// <summary>
    /// Graceful leave: announces "dead, from myself" (Left), stops probing and keeps gossiping so the announcement
    /// spreads; dispose the node once it has had a few gossip rounds.
    /// </summary>
    public void Leave()
    {
        Locked(() =>
        {
            if (_leaving)
                return;
            _leaving = true;
            OnDead(new DeadMessage(_self.Incarnation, _self.Name, _self.Name, _self.Generation));
            GossipRound();
        });
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (ITimer timer in _timers)
                timer.Dispose();
            foreach (MemberEntry entry in _members.Values)
                entry.Suspicion?.Dispose();
            _transport.Dispose();
        }
    }

    /// <summary>Runs <paramref name="action"/> under the lock, then raises the member events it produced.</summary>
    private void Locked(Action action)
    {
        Member[] events;
        lock (_gate)
        {
            if (_disposed)
                return;
            action();
            if (_pendingEvents.Count == 0)
                return;
            events = [.. _pendingEvents];
            _pendingEvents.Clear();
        }
        foreach (Member member in events)
            MemberChanged?.Invoke(member);
    }

    private void Every(TimeSpan period, Action round)
    {
        TimeSpan phase = period * _random.NextDouble();
        _timers.Add(_time.CreateTimer(_ => Guarded(round), null, phase, period));
    }

    /// <summary>
    /// Timer callbacks go through here: an exception escaping a System.Threading timer would end the process, and one
    /// failed round (a bug, or a full state too large for a frame) must not take the node down; it is logged.
    /// </summary>
    private void Guarded(Action action)
    {
        try
        {
            Locked(action);
        }
        catch (Exception ex)
        {
            ClusterLog.HandlerFailed(_logger, _self.Address, ex);
        }
    }

    /// <summary>A one-shot timer whose callback runs under the lock; disposed when it fires or the node stops.</summary>
    private void After(TimeSpan delay, Action action)
    {
        ITimer? timer = null;
        timer = _time.CreateTimer(_ => Guarded(() =>
        {
            timer!.Dispose();
            _timers.Remove(timer);
            action();
        }), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timers.Add(timer);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void Changed(MemberEntry entry)
    {
        ClusterLog.MemberChanged(_logger, entry.Name, entry.Address, entry.State, entry.Incarnation);
        _pendingEvents.Add(entry.Snapshot());
    }

    private int LiveMembers => _members.Values.Count(m => m.IsLive);

    private void QueueBroadcast(string node, ClusterMessage message) => _broadcasts.Enqueue(node, MessageCodec.Encode(message));

    /// <summary>Sends <paramref name="message"/> with as many queued state changes as fit in one packet.</summary>
    private void Send(NodeAddress to, ClusterMessage? message)
    {
        var writer = new WireWriter();
        if (message is not null)
            MessageCodec.Append(writer, message);
        int budget = _options.MaxPacketSize - _sealer.Overhead - writer.Length;
        foreach (byte[] frame in _broadcasts.Take(budget, BroadcastQueue.TransmitLimit(_options.RetransmitMult, LiveMembers)))
            writer.Bytes(frame);
        if (writer.Length == 0)
            return;
        _transport.SendPacket(to, _sealer.Seal(writer.Written));
    }

    /// <summary>Opens and decodes a packet or stream message; null (logged once per sending host and reason) when refused.</summary>
    private List<ClusterMessage>? Open(NodeAddress from, ReadOnlySpan<byte> data)
    {
        OpenResult result = _sealer.TryOpen(data, out byte[] payload);
        var messages = new List<ClusterMessage>();
        if (result == OpenResult.Ok && !MessageCodec.TryDecodeAll(payload, messages))
            result = OpenResult.Malformed;
        if (result == OpenResult.Ok)
            return messages;
        // Keyed by host, not port: stream requests come from ephemeral ports. Bounded, so a flood from random
        // spoofed senders cannot grow it without limit.
        if (_loggedRefusals.Count < 4096 && _loggedRefusals.Add((from.Host, result)))
            ClusterLog.PacketRefused(_logger, from, result.ToString());
        return null;
    }

    private void OnPacket(NodeAddress from, ReadOnlyMemory<byte> packet)
    {
        if (Open(from, packet.Span) is not { } messages)
            return;
        foreach (ClusterMessage message in messages)
        {
            switch (message)
            {
                case PingMessage ping: OnPing(ping); break;
                case IndirectPingMessage indirect: OnIndirectPing(indirect); break;
                case AckMessage ack: OnAck(ack); break;
                case AliveMessage alive: OnAlive(alive); break;
                case SuspectMessage suspect: OnSuspect(suspect); break;
                case DeadMessage dead: OnDead(dead); break;
                // A push-pull arriving as a datagram is not how peers talk: ignore it.
            }
        }
    }

    /// <summary>Adapts the transport callbacks; catches everything so no input can break the receive loop.</summary>
    private sealed class Handler(SwimNode node) : IClusterTransportHandler
    {
        public void OnPacket(NodeAddress from, ReadOnlyMemory<byte> packet)
        {
            try
            {
                node.Locked(() => node.OnPacket(from, packet));
            }
            catch (Exception ex)
            {
                ClusterLog.HandlerFailed(node._logger, from, ex);
            }
        }

        public byte[]? OnStream(NodeAddress from, ReadOnlyMemory<byte> request)
        {
            try
            {
                byte[]? reply = null;
                node.Locked(() => reply = node.OnStream(from, request));
                return reply;
            }
            catch (Exception ex)
            {
                ClusterLog.HandlerFailed(node._logger, from, ex);
                return null;
            }
        }
    }
}
