namespace Trove.Protocol.Text;

/// <summary>memcached's fixed text-protocol replies, pre-encoded with their "\r\n".</summary>
public static class TextReplies
{
    public static ReadOnlySpan<byte> Stored => "STORED\r\n"u8;
    public static ReadOnlySpan<byte> NotStored => "NOT_STORED\r\n"u8;
    public static ReadOnlySpan<byte> Exists => "EXISTS\r\n"u8;
    public static ReadOnlySpan<byte> NotFound => "NOT_FOUND\r\n"u8;
    public static ReadOnlySpan<byte> Deleted => "DELETED\r\n"u8;
    public static ReadOnlySpan<byte> Touched => "TOUCHED\r\n"u8;
    public static ReadOnlySpan<byte> End => "END\r\n"u8;
    public static ReadOnlySpan<byte> Ok => "OK\r\n"u8;
    public static ReadOnlySpan<byte> Reset => "RESET\r\n"u8;
    public static ReadOnlySpan<byte> Error => "ERROR\r\n"u8;

    public static ReadOnlySpan<byte> BadDataChunk => "CLIENT_ERROR bad data chunk\r\n"u8;
    public static ReadOnlySpan<byte> BadCommandLineFormat => "CLIENT_ERROR bad command line format\r\n"u8;
    public static ReadOnlySpan<byte> BadCommandLine => "CLIENT_ERROR bad command line\r\n"u8;
    public static ReadOnlySpan<byte> InvalidExptime => "CLIENT_ERROR invalid exptime argument\r\n"u8;
    public static ReadOnlySpan<byte> InvalidDelta => "CLIENT_ERROR invalid numeric delta argument\r\n"u8;
    public static ReadOnlySpan<byte> DeleteUsage => "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n"u8;
    public static ReadOnlySpan<byte> NonNumeric => "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"u8;

    public static ReadOnlySpan<byte> TooLarge => "SERVER_ERROR object too large for cache\r\n"u8;
    public static ReadOnlySpan<byte> OutOfMemoryStoring => "SERVER_ERROR out of memory storing object\r\n"u8;
    public static ReadOnlySpan<byte> OutOfMemory => "SERVER_ERROR out of memory\r\n"u8;
    /// <summary>Store mode: a value on disk could not be read back (never served wrong).</summary>
    public static ReadOnlySpan<byte> ValueUnavailable => "SERVER_ERROR value on disk could not be read\r\n"u8;

    public static ReadOnlySpan<byte> ShutdownNotEnabled => "ERROR: shutdown not enabled\r\n"u8;
    public static ReadOnlySpan<byte> InvalidShutdownMode => "CLIENT_ERROR invalid shutdown mode\r\n"u8;

    public static ReadOnlySpan<byte> MemlimitTooSmall => "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n"u8;
    public static ReadOnlySpan<byte> MemlimitNotBytes => "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\n"u8;

    /// <summary>The reply to <see cref="TextError"/> values other than <see cref="TextError.None"/>.</summary>
    public static ReadOnlySpan<byte> For(TextError error) => error switch
    {
        TextError.BadCommandLineFormat => BadCommandLineFormat,
        TextError.InvalidExptime => InvalidExptime,
        TextError.InvalidDelta => InvalidDelta,
        TextError.DeleteUsage => DeleteUsage,
        _ => Error,
    };
}
