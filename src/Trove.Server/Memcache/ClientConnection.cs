using System.IO.Pipelines;
using System.Net;

namespace Trove.Server.Memcache;

/// <summary>One registered client connection. The session updates its state; disposing it unregisters it.</summary>
public sealed class ClientConnection : IDisposable
{
    private readonly ConnectionRegistry _registry;
    private volatile uint _lastCommandTime;
    private volatile ConnectionState _state;
    private volatile bool _authenticated;
    private int _kicked;

    internal ClientConnection(ConnectionRegistry registry, int id, EndPoint? remote, EndPoint? local, uint now)
    {
        _registry = registry;
        Id = id;
        Remote = remote;
        Local = local;
        _lastCommandTime = now;
    }

    public int Id { get; }
    public EndPoint? Remote { get; }
    public EndPoint? Local { get; }

    /// <summary>Engine time of the last command (memcached's last_cmd_time).</summary>
    public uint LastCommandTime
    {
        get => _lastCommandTime;
        internal set => _lastCommandTime = value;
    }

    /// <summary>
    /// The connection's output, whose unflushed bytes are replies already sent as far as the session is concerned:
    /// the handler counts them in bytes_written when it flushes the batch. Null for sessions without a socket.
    /// </summary>
    internal PipeWriter? Transmit { get; set; }

    /// <summary>
    /// Whether the client has authenticated (always false when no auth file is configured, where none is needed).
    /// Set once by whichever protocol session checked the credentials.
    /// </summary>
    public bool IsAuthenticated => _authenticated;

    internal void MarkAuthenticated() => _authenticated = true;

    /// <summary>
    /// Ends the connection from outside its own loop (the idle sweep): the loop stops and the socket is closed
    /// normally, as memcached closes a kicked connection. Null for sessions without a socket.
    /// </summary>
    internal Action? RequestClose { get; set; }

    /// <summary>True the first time only, so a connection slow to close is counted in idle_kicks once.</summary>
    internal bool TryKick() => Interlocked.Exchange(ref _kicked, 1) == 0;

    /// <summary>A session starts on a read event: parsing, and the time of the last command is now.</summary>
    internal void MarkActive(uint now)
    {
        _state = ConnectionState.ParseCommand;
        _lastCommandTime = now;
    }

    /// <summary>A session is done with a read event: what it waits for next, as "stats conns" shows it.</summary>
    internal void MarkIdle(bool swallowing, bool readingValue) =>
        _state = swallowing ? ConnectionState.Swallow : readingValue ? ConnectionState.ReadValue : ConnectionState.Read;

    public ConnectionState State
    {
        get => _state;
        internal set => _state = value;
    }

    public void Dispose() => _registry.Unregister(this);
}
