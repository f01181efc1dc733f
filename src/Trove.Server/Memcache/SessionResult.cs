namespace Trove.Server.Memcache;

/// <summary>What the connection should do after <see cref="MemcacheSession.Process"/>.</summary>
public enum SessionResult
{
    /// <summary>Send the replies produced and keep reading.</summary>
    Continue,

    /// <summary>Send the replies produced so far, then close the connection (quit, junk input, shutdown).</summary>
    Close,
}
