namespace Trove.Server.Memcache;

/// <summary>Counters kept by the protocol layer (the engine counts hits, misses and item events itself).</summary>
public enum ProtocolCounter
{
    /// <summary>Keys requested by retrieval commands (memcached cmd_get).</summary>
    CmdGet,
    CmdTouch,
    CmdFlush,
    /// <summary>Meta commands processed (memcached cmd_meta).</summary>
    CmdMeta,
    BytesRead,
    BytesWritten,
    TotalConnections,
    RejectedConnections,
    ConnYields,
    AuthCmds,
    AuthErrors,

    /// <summary>Connections closed for idling longer than the idle timeout (memcached's idle_kicks).</summary>
    IdleKicks,

    /// <summary>TLS handshakes that failed: plain-text clients, refused client certificates (memcached's ssl_handshake_errors).</summary>
    TlsHandshakeErrors,
    StoreTooLarge,
    StoreNoMemory,
}
