namespace Trove.Protocol.Binary;

/// <summary>Response statuses of memcached's binary protocol.</summary>
public enum BinaryStatus : ushort
{
    Success = 0x0000,
    KeyNotFound = 0x0001,
    KeyExists = 0x0002,
    TooLarge = 0x0003,
    InvalidArguments = 0x0004,
    NotStored = 0x0005,
    NonNumeric = 0x0006,
    AuthError = 0x0020,
    AuthContinue = 0x0021,
    UnknownCommand = 0x0081,
    OutOfMemory = 0x0082,
    /// <summary>Not a memcached 1.6.18 reply: the protocol's ETMPFAIL, which a Trove node sends when no owner of the key can be reached.</summary>
    TemporaryFailure = 0x0086,
}

public static class BinaryStatusText
{
    /// <summary>The body memcached 1.6.18 sends with an error status (write_bin_error).</summary>
    public static ReadOnlySpan<byte> Of(BinaryStatus status) => status switch
    {
        BinaryStatus.OutOfMemory => "Out of memory"u8,
        BinaryStatus.TemporaryFailure => "Temporary failure"u8,
        BinaryStatus.UnknownCommand => "Unknown command"u8,
        BinaryStatus.KeyNotFound => "Not found"u8,
        BinaryStatus.InvalidArguments => "Invalid arguments"u8,
        BinaryStatus.KeyExists => "Data exists for key."u8,
        BinaryStatus.TooLarge => "Too large."u8,
        BinaryStatus.NonNumeric => "Non-numeric server-side value for incr or decr"u8,
        BinaryStatus.NotStored => "Not stored."u8,
        BinaryStatus.AuthError => "Auth failure."u8,
        _ => "UNHANDLED ERROR"u8,
    };
}
