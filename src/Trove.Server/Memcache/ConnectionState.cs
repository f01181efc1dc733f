namespace Trove.Server.Memcache;

/// <summary>What memcached's "stats conns" reports as a connection's state.</summary>
public enum ConnectionState : byte
{
    /// <summary>Idle, waiting for a command (conn_read).</summary>
    Read,
    /// <summary>Executing commands (conn_parse_cmd).</summary>
    ParseCommand,
    /// <summary>Waiting for the rest of a value (conn_nread).</summary>
    ReadValue,
    /// <summary>Discarding a rejected value (conn_swallow).</summary>
    Swallow,
}
