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

    private readonly PacketSealer _sealer;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private readonly Timer _timeouts;
    private bool _disposed;

    private sealed class Peer(NodeAddress address)
    {
        public NodeAddress Address = address;
        public readonly Task<PeerConnection>?[] Connections = new Task<PeerConnection>?[ConnectionsPerPeer];
        public long FailedAt;
    }

    public PeerClients(PacketSealer sealer, TimeSpan requestTimeout, TimeSpan connectTimeout)
    {
        _sealer = sealer;
        RequestTimeout = requestTimeout;
        ConnectTimeout = connectTimeout;
        TimeSpan check = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 50, requestTimeout.Ticks / 4));
        _timeouts = new Timer(_ => CheckTimeouts(), null, check, check);
    }

    public TimeSpan RequestTimeout { get; }
    public TimeSpan ConnectTimeout { get; }
    public static TimeSpan RetryDelay { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Sends <paramref name="payload"/> to <paramref name="member"/> at <paramref name="address"/> on the connection for <paramref name="partition"/>.</summary>
    public async Task<byte[]> SendAsync(string member, NodeAddress address, int partition, byte[] payload)
    {
        PeerConnection connection = await ConnectionFor(member, address, partition).ConfigureAwait(false);
        return await connection.SendAsync(payload).ConfigureAwait(false);
    }

    /// <summary>As <see cref="SendAsync"/> when the connection is already up (no await on the common path).</summary>
    public Task<byte[]> Send(string member, NodeAddress address, int partition, ReadOnlySpan<byte> payload)
    {
        Task<PeerConnection> connecting = ConnectionFor(member, address, partition);
        if (connecting.IsCompletedSuccessfully)
            return connecting.Result.SendAsync(payload);
        byte[] copy = payload.ToArray();
        return SendLaterAsync(connecting, copy);
    }

    private static async Task<byte[]> SendLaterAsync(Task<PeerConnection> connecting, byte[] payload)
    {
        PeerConnection connection = await connecting.ConfigureAwait(false);
        return await connection.SendAsync(payload).ConfigureAwait(false);
    }

    private Task<PeerConnection> ConnectionFor(string member, NodeAddress address, int partition)
    {
        int slot = partition % ConnectionsPerPeer;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_peers.TryGetValue(member, out Peer? peer) || peer.Address != address)
            {
                if (peer is not null)
                    Close(peer);
                peer = new Peer(address);
                _peers[member] = peer;
            }
            Task<PeerConnection>? current = peer.Connections[slot];
            if (current is not null && !(current.IsFaulted || (current.IsCompletedSuccessfully && current.Result.IsFailed)))
                return current;
            if (peer.FailedAt != 0 && Stopwatch.GetElapsedTime(peer.FailedAt) < RetryDelay)
                return Task.FromException<PeerConnection>(new PeerUnavailableException($"{member} was unreachable moments ago"));
            Task<PeerConnection> connecting = ConnectAsync(member, peer);
            peer.Connections[slot] = connecting;
            return connecting;
        }
    }

    private async Task<PeerConnection> ConnectAsync(string member, Peer peer)
    {
        try
        {
            EndPoint endpoint = await Resolve(peer.Address).ConfigureAwait(false);
            PeerConnection connection = await PeerConnection.ConnectAsync(member, endpoint, _sealer, ConnectTimeout).ConfigureAwait(false);
            lock (_gate)
                peer.FailedAt = 0;
            return connection;
        }
        catch (Exception ex)
        {
            lock (_gate)
                peer.FailedAt = Stopwatch.GetTimestamp();
            throw ex as PeerUnavailableException ?? new PeerUnavailableException($"cannot reach {member}: {ex.Message}", ex);
        }
    }

    private static async Task<EndPoint> Resolve(NodeAddress address)
    {
        if (IPAddress.TryParse(address.Host, out IPAddress? ip))
            return new IPEndPoint(ip, address.Port);
        IPAddress[] found = await Dns.GetHostAddressesAsync(address.Host).ConfigureAwait(false);
        return new IPEndPoint(found[0], address.Port);
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
                foreach (Task<PeerConnection>? task in peer.Connections)
                {
                    if (task is { IsCompletedSuccessfully: true })
                        open.Add(task.Result);
                }
            }
        }
        foreach (PeerConnection connection in open)
            connection.CheckTimeout(RequestTimeout);
    }

    private static void Close(Peer peer)
    {
        foreach (Task<PeerConnection>? task in peer.Connections)
        {
            if (task is { IsCompletedSuccessfully: true })
                task.Result.Dispose();
        }
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
