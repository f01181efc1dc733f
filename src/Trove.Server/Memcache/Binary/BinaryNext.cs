namespace Trove.Server.Memcache.Binary;

/// <summary>What a binary command asks of the session after it wrote its reply (if any).</summary>
internal enum BinaryNext : byte
{
    /// <summary>Keep the reply with the others memcached holds until the input runs dry.</summary>
    Continue,
    /// <summary>Send everything held now (memcached's conn_mwrite after an error or a noop).</summary>
    Send,
    /// <summary>Send everything held, then close (quit, invalid arguments).</summary>
    Close,
}
