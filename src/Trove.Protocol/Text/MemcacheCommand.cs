namespace Trove.Protocol.Text;

/// <summary>A memcached text-protocol command, identified once by the parser so dispatch never compares strings.</summary>
public enum MemcacheCommand : byte
{
    /// <summary>Not a command memcached knows: answered with ERROR.</summary>
    Unknown,
    Get,
    Gets,
    /// <summary>get-and-touch: the first argument is the new exptime.</summary>
    Gat,
    Gats,
    /// <summary>The ancient "binary get", an alias of get kept by memcached for compatibility.</summary>
    Bget,
    Set,
    Add,
    Replace,
    Append,
    Prepend,
    Cas,
    Delete,
    Incr,
    Decr,
    Touch,
    FlushAll,
    Version,
    Verbosity,
    Quit,
    Shutdown,
    CacheMemlimit,
    Stats,
    Slabs,
    LruCrawler,
    Lru,
    Watch,
    Extstore,
    RefreshCerts,
    /// <summary>A two-byte command starting with 'm' (mg ms md ma mn me): handled by the meta protocol.</summary>
    Meta,
    /// <summary>An unknown command whose last token starts with "HTTP/": memcached closes the connection.</summary>
    HttpRequest,
}
