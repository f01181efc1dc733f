using System.Buffers;
using System.Net;
using Trove.Protocol.Text;

namespace Trove.Server.Memcache;

/// <summary>
/// The open client connections of a node, for "stats conns" and "connection_structures". Each connection gets the
/// lowest free id at or above <see cref="FirstClientId"/>, the way memcached's connections are named by their file
/// descriptors; the listener is shown as <see cref="ListenerId"/>.
/// </summary>
public sealed class ConnectionRegistry
{
    /// <summary>The descriptor memcached's single TCP listener gets.</summary>
    public const int ListenerId = 23;

    public const int FirstClientId = 24;

    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, ClientConnection> _open = [];
    private int _peak;

    /// <summary>Most connections open at once since the node started.</summary>
    public int PeakConnections
    {
        get
        {
            lock (_lock)
            {
                return _peak;
            }
        }
    }

    /// <summary>Records a new connection; dispose the result when the connection closes.</summary>
    public ClientConnection Register(EndPoint? remote, EndPoint? local, uint now)
    {
        lock (_lock)
        {
            int id = FirstClientId;
            while (_open.ContainsKey(id))
            {
                id++;
            }
            var connection = new ClientConnection(this, id, remote, local, now);
            _open.Add(id, connection);
            _peak = Math.Max(_peak, _open.Count);
            return connection;
        }
    }

    internal void Unregister(ClientConnection connection)
    {
        lock (_lock)
        {
            _open.Remove(connection.Id);
        }
    }

    /// <summary>
    /// Closes every connection waiting for a command for more than <paramref name="timeoutSeconds"/> (memcached's
    /// idle_timeout: connections in the middle of a value are left alone) and returns how many were closed.
    /// </summary>
    public int CloseIdle(uint now, uint timeoutSeconds)
    {
        List<ClientConnection>? idle = null;
        lock (_lock)
        {
            foreach (ClientConnection connection in _open.Values)
            {
                uint last = connection.LastCommandTime;
                if (connection.State == ConnectionState.Read && connection.RequestClose is not null && now > last && now - last > timeoutSeconds)
                {
                    (idle ??= []).Add(connection);
                }
            }
        }
        int closed = 0;
        foreach (ClientConnection connection in idle ?? [])
        {
            // Outside the lock: aborting completes the connection's loop, which unregisters it.
            if (connection.TryKick())
            {
                connection.RequestClose!();
                closed++;
            }
        }
        return closed;
    }

    /// <summary>Writes the "stats conns" lines (without END): the listener, then every client in id order.</summary>
    public void WriteStats(IBufferWriter<byte> output, ReadOnlySpan<byte> listenAddress, uint listenerIdleSeconds, uint now)
    {
        Span<byte> address = stackalloc byte[64];
        TextReplyWriter.WriteStat(output, ""u8, ListenerId, "addr"u8, listenAddress);
        TextReplyWriter.WriteStat(output, ""u8, ListenerId, "state"u8, "conn_listening"u8);
        TextReplyWriter.WriteStat(output, ""u8, ListenerId, "secs_since_last_cmd"u8, listenerIdleSeconds);
        lock (_lock)
        {
            foreach (ClientConnection connection in _open.Values)
            {
                int length = FormatAddress(connection.Remote, address);
                TextReplyWriter.WriteStat(output, ""u8, connection.Id, "addr"u8, address.Slice(0, length));
                TextReplyWriter.WriteStat(output, ""u8, connection.Id, "listen_addr"u8, listenAddress);
                TextReplyWriter.WriteStat(output, ""u8, connection.Id, "state"u8, StateName(connection.State));
                uint last = connection.LastCommandTime;
                TextReplyWriter.WriteStat(output, ""u8, connection.Id, "secs_since_last_cmd"u8, now >= last ? now - last : 0u);
            }
        }
    }

    /// <summary>memcached's address text: "tcp:1.2.3.4:port" or "tcp6:[::1]:port"; an unknown peer as "unknown".</summary>
    public static int FormatAddress(EndPoint? endPoint, Span<byte> destination)
    {
        if (endPoint is not IPEndPoint ip)
        {
            "unknown"u8.CopyTo(destination);
            return 7;
        }
        IPAddress address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        bool v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        ReadOnlySpan<byte> prefix = v6 ? "tcp6:["u8 : "tcp:"u8;
        prefix.CopyTo(destination);
        int written = prefix.Length;
        address.TryFormat(destination.Slice(written), out int addressLength);
        written += addressLength;
        if (v6)
        {
            destination[written++] = (byte)']';
        }
        destination[written++] = (byte)':';
        ((uint)ip.Port).TryFormat(destination.Slice(written), out int portLength);
        return written + portLength;
    }

    private static ReadOnlySpan<byte> StateName(ConnectionState state) => state switch
    {
        ConnectionState.ParseCommand => "conn_parse_cmd"u8,
        ConnectionState.ReadValue => "conn_nread"u8,
        ConnectionState.Swallow => "conn_swallow"u8,
        _ => "conn_read"u8,
    };
}
