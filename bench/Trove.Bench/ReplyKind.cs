namespace Trove.Bench;

/// <summary>What one complete memcached reply was.</summary>
internal enum ReplyKind
{
    /// <summary>A get that returned a value (VALUE ... END).</summary>
    Hit,

    /// <summary>A get that returned nothing (END alone).</summary>
    Miss,

    /// <summary>STORED.</summary>
    Stored,

    /// <summary>NOT_STORED, EXISTS or NOT_FOUND: a storage command the server declined.</summary>
    NotStored,

    /// <summary>ERROR, CLIENT_ERROR ... or SERVER_ERROR ...</summary>
    Error,
}
