namespace Trove.Protocol.Meta;

/// <summary>The six meta commands (memcached 1.6.18).</summary>
public enum MetaCommandKind : byte
{
    /// <summary>mg: meta get.</summary>
    Get,
    /// <summary>ms: meta set.</summary>
    Set,
    /// <summary>md: meta delete.</summary>
    Delete,
    /// <summary>ma: meta arithmetic.</summary>
    Arithmetic,
    /// <summary>mn: meta no-op.</summary>
    NoOp,
    /// <summary>me: meta debug.</summary>
    Debug,
}
