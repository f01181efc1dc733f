using System.Diagnostics;
using System.Net;
using Trove.Cluster;
using Trove.Cluster.Wire;

namespace Trove.Server.Cluster.Peers;

/// <summary>
/// The node's outgoing connections to other members' data streams: <see cref="ConnectionsPerPeer"/> persistent
/// connections per member, made on first use and again after a failure. A partition always uses the same connection
/// of a member, so two requests for one key reach the owner in the order they were sent. After a failed connect the
/// member is not dialled again for <see cref="RetryDelay"/>: requests for it fail at once and go to the next owner,
/// rather than each waiting for a connect timeout.
/// </summary>
internal sealed class PeerClients : IDisposable
{
    public const int ConnectionsPerPeer = 2;

    /// <summary>
    /// The "partition" of the extra connection that carries replication, copies and announcements. Apart from the
    /// forwarded requests on purpose: a forwarded write under --sync-replication is answered only when its replicas
    /// acknowledged, and replies on one connection go back in order, so an acknowledgement queued behind such a write
    /// on a shared connection (two nodes forwarding writes to each other) would wait for itself.
    /// </summary>
    public const int ReplicationLane = -1;
    private readonly PacketSealer _sealer;
    private readonly int _maxFrameLength;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private readonly Timer _timeouts;
    private bool _disposed;

    private sealed class Peer(NodeAddress address)
    {
        public NodeAddress Address = address;
        public readonly PeerConnection?[] Connections = new PeerConnection?[ConnectionsPerPeer + 1];
        public long FailedAt;
    }

    /// <param name="sealer">Seals and opens every frame.</param>
    /// <param name="requestTimeout">How long a request may wait for its reply.</param>
    /// <param name="connectTimeout">How long a connect may take.</param>
    /// <param name="maxFrameLength">Longest reply frame accepted (<see cref="PeerFrame.MaxFrameLengthFor"/>).</param>
    public PeerClients(PacketSealer sealer, TimeSpan requestTimeout, TimeSpan connectTimeout, int maxFrameLength = PeerFrame.DefaultMaxFrameLength)
    {
        _sealer = sealer;
        _maxFrameLength = maxFrameLength;
        RequestTimeout = requestTimeout;
        ConnectTimeout = connectTimeout;
        TimeSpan check = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 50, requestTimeout.Ticks / 4));
        _timeouts = new Timer(_ => CheckTimeouts(), null, check, check);
    }

    public TimeSpan RequestTimeout { get; }
    public TimeSpan ConnectTimeout { get; }
    public static TimeSpan RetryDelay { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Sends <paramref name="payload"/> to <paramref name="member"/> at <paramref name="address"/> on the connection for
    /// <paramref name="partition"/>; the task ends with the reply or faults with <see cref="PeerUnavailableException"/>.
    /// Requests on one connection are sent and answered in call order, connecting or not.
    /// </summary>
    public Task<byte[]> Send(string member, NodeAddress address, int partition, ReadOnlySpan<byte> payload)
    {
        PeerConnection? connection = ConnectionFor(member, address, partition, out Exception? refused);
        return connection is null ? Task.FromException<byte[]>(refused!) : connection.SendAsync(payload);
    }

    private PeerConnection? ConnectionFor(string member, NodeAddress address, int partition, out Exception? refused)
    {
        refused = null;
        int slot = partition == ReplicationLane ? ConnectionsPerPeer : partition % ConnectionsPerPeer;
        lock (_gate)
        {
            if (_disposed)
            {
                refused = new PeerUnavailableException("this node's connections are closed");
                return null;
            }
            if (!_peers.TryGetValue(member, out Peer? peer) || peer.Address != address)
            {
                if (peer is not null)
                    Close(peer);
                peer = new Peer(address);
                _peers[member] = peer;
            }
            PeerConnection? current = peer.Connections[slot];
            if (current is not null && !current.IsFailed)
                return current;
            if (current is not null)
            {
                // A connection that never connected marks the member unreachable for a moment; one that broke later
                // (the peer restarted, a timeout) is replaced at once.
                if (current.Connected.IsFaulted)
                    peer.FailedAt = Stopwatch.GetTimestamp();
                peer.Connections[slot] = null;
            }
            if (peer.FailedAt != 0 && Stopwatch.GetElapsedTime(peer.FailedAt) < RetryDelay)
            {
                refused = new PeerUnavailableException($"{member} was unreachable moments ago");
                return null;
            }
            if (!TryResolve(address, out EndPoint? endpoint))
            {
                peer.FailedAt = Stopwatch.GetTimestamp();
                refused = new PeerUnavailableException($"cannot resolve {address.Host}");
                return null;
            }
            peer.FailedAt = 0;
            PeerConnection opened = PeerConnection.Open(member, endpoint!, _sealer, ConnectTimeout, _maxFrameLength);
            peer.Connections[slot] = opened;
            return opened;
        }
    }

    /// <summary>Literal addresses, as peers advertise by default; a host name is looked up (rare: --advertise with a name).</summary>
    private static bool TryResolve(NodeAddress address, out EndPoint? endpoint)
    {
        endpoint = null;
        if (IPAddress.TryParse(address.Host, out IPAddress? ip))
        {
            endpoint = new IPEndPoint(ip, address.Port);
            return true;
        }
        try
        {
            endpoint = new IPEndPoint(Dns.GetHostAddresses(address.Host)[0], address.Port);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Closes the connections to members no longer in <paramref name="members"/>.</summary>
    public void Retain(IReadOnlySet<string> members)
    {
        lock (_gate)
        {
            foreach (string gone in _peers.Keys.Where(name => !members.Contains(name)).ToList())
            {
                Close(_peers[gone]);
                _peers.Remove(gone);
            }
        }
    }

    private void CheckTimeouts()
    {
        List<PeerConnection> open = [];
        lock (_gate)
        {
            foreach (Peer peer in _peers.Values)
            {
                foreach (PeerConnection? connection in peer.Connections)
                {
                    if (connection is not null)
                        open.Add(connection);
                }
            }
        }
        foreach (PeerConnection connection in open)
            connection.CheckTimeout(RequestTimeout);
    }

    private static void Close(Peer peer)
    {
        foreach (PeerConnection? connection in peer.Connections)
            connection?.Dispose();
    }

    public void Dispose()
    {
        _timeouts.Dispose();
        lock (_gate)
        {
            _disposed = true;
            foreach (Peer peer in _peers.Values)
                Close(peer);
            _peers.Clear();
        }
    }
}
