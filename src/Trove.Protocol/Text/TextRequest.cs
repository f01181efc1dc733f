namespace Trove.Protocol.Text;

/// <summary>Why a command line was rejected; each value is one of memcached's replies.</summary>
public enum TextError : byte
{
    None,
    /// <summary>"ERROR": unknown command or wrong number of tokens.</summary>
    Error,
    /// <summary>"CLIENT_ERROR bad command line format".</summary>
    BadCommandLineFormat,
    /// <summary>"CLIENT_ERROR invalid exptime argument".</summary>
    InvalidExptime,
    /// <summary>"CLIENT_ERROR invalid numeric delta argument".</summary>
    InvalidDelta,
    /// <summary>"CLIENT_ERROR bad command line format.  Usage: delete &lt;key&gt; [noreply]".</summary>
    DeleteUsage,
}

/// <summary>
/// A parsed text-protocol request. It refers to its command line by offsets (see <see cref="TextToken"/>), so it
/// is a plain value that a handler can execute or a forwarder can route together with the line's bytes.
/// Which fields are meaningful depends on <see cref="Command"/>.
/// </summary>
public struct TextRequest
{
    /// <summary>Longest key memcached accepts (KEY_MAX_LENGTH).</summary>
    public const int MaxKeyLength = 250;

    public MemcacheCommand Command;

    /// <summary>Set when the line is rejected; the other fields are then only partly filled.</summary>
    public TextError Error;

    /// <summary>The client asked for no reply. memcached then also suppresses errors found after it saw the flag.</summary>
    public bool NoReply;

    /// <summary>The key of a single-key command (storage, delete, incr/decr, touch).</summary>
    public TextToken Key;

    /// <summary>Client flags of a storage command.</summary>
    public uint Flags;

    /// <summary>Protocol exptime (storage, touch, gat/gats) or flush_all delay, as the int32 memcached keeps.</summary>
    public int Exptime;

    /// <summary>flush_all: a delay argument was given.</summary>
    public bool HasDelay;

    /// <summary>Storage commands: bytes in the data block, not counting its "\r\n".</summary>
    public int DataLength;

    /// <summary>cas: the compare value.</summary>
    public ulong CasUnique;

    /// <summary>incr/decr: the amount.</summary>
    public ulong Delta;

    /// <summary>verbosity: the level; cache_memlimit: megabytes.</summary>
    public uint Number;

    /// <summary>Retrieval commands: offset of the first key in the line (the line's length when there is none).</summary>
    public int KeysStart;

    /// <summary>The line's first tokens, for commands with subcommands (stats, slabs, lru_crawler, ...).</summary>
    public TextTokens Tokens;

    /// <summary>Whether the command is followed by a data block (set, add, replace, append, prepend, cas).</summary>
    public readonly bool HasDataBlock => Command is >= MemcacheCommand.Set and <= MemcacheCommand.Cas;

    /// <summary>Whether the command is a retrieval (get, gets, gat, gats, bget).</summary>
    public readonly bool IsRetrieval => Command is >= MemcacheCommand.Get and <= MemcacheCommand.Bget;
}
