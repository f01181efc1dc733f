namespace Trove.Storage.Persistence;

/// <summary>Record types as written on disk. The values are part of the format: append only, never renumber.</summary>
public enum RecordType : byte
{
    /// <summary>First record of every segment: magic, sequence number, flags.</summary>
    SegmentHeader = 1,

    /// <summary>An item's full state after a change (set, touch, incr, ...).</summary>
    Set = 2,

    /// <summary>A key removed by a delete command.</summary>
    Delete = 3,

    /// <summary>A Set whose key is longer than 255 bytes (store mode's long keys): the key length is a u16.</summary>
    SetLongKey = 4,

    /// <summary>A Delete whose key is longer than 255 bytes: the key length is a u16.</summary>
    DeleteLongKey = 5,
}

/// <summary>Item bits kept with a Set record. Values are part of the format.</summary>
[Flags]
public enum ItemBits : byte
{
    None = 0,

    /// <summary>Marked stale by meta invalidation (md I / ms I).</summary>
    Stale = 1,

    /// <summary>Key stored binary (ms with b); mg k echoes it base64-encoded.</summary>
    BinaryKey = 2,
}

/// <summary>
/// One Set or Delete record, as handed to the writer or read back. <see cref="Type"/> is always Set or Delete:
/// whether the record goes to disk as the long-key variant is the format's business (<see cref="RecordFormat"/>). Spans point into the caller's memory (writing) or
/// the reader's buffer (reading): valid only for the duration of the call that received the record.
/// </summary>
public readonly ref struct LogRecord
{
    private LogRecord(RecordType type, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, uint clientFlags,
        ulong expiresAtUnix, ulong cas, ItemBits bits)
    {
        Type = type;
        Key = key;
        Value = value;
        ClientFlags = clientFlags;
        ExpiresAtUnix = expiresAtUnix;
        Cas = cas;
        Bits = bits;
    }

    public RecordType Type { get; }

    public ReadOnlySpan<byte> Key { get; }

    /// <summary>Empty for a Delete.</summary>
    public ReadOnlySpan<byte> Value { get; }

    public uint ClientFlags { get; }

    /// <summary>Absolute expiry as Unix seconds, 0 = never. Absolute so a replay after downtime expires correctly.</summary>
    public ulong ExpiresAtUnix { get; }

    public ulong Cas { get; }

    public ItemBits Bits { get; }

    /// <summary>Where the reader found the record (segment, offset, CRC); default when the record is being written.</summary>
    public RecordLocation Location { get; init; }

    /// <summary>A Set record. The key must be 1 to <see cref="RecordFormat.MaxKeyLength"/> bytes.</summary>
    public static LogRecord Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, uint clientFlags, ulong expiresAtUnix,
        ulong cas, ItemBits bits = ItemBits.None) =>
        new(RecordType.Set, key, value, clientFlags, expiresAtUnix, cas, bits);

    /// <summary>A Delete record.</summary>
    public static LogRecord Delete(ReadOnlySpan<byte> key) =>
        new(RecordType.Delete, key, default, 0, 0, 0, ItemBits.None);
}

/// <summary>The payload of a segment's first record.</summary>
/// <param name="Sequence">Must equal the sequence number in the file name.</param>
/// <param name="Compacted">Written by the compactor: this segment supersedes every segment with a lower sequence.</param>
public readonly record struct SegmentHeader(ulong Sequence, bool Compacted);
