namespace Trove.Storage.Persistence;

/// <summary>
/// What <see cref="Recovery.Run"/> found and repaired. When <see cref="IsCorrupt"/> is true the log must not be
/// trusted: the node should refuse to start (the records before the damage were already handed over) and an
/// operator decides. Everything else is a normal outcome to be logged.
/// </summary>
public sealed class RecoveryResult
{
    /// <summary>The sequence number the next segment must take (1 for an empty directory).</summary>
    public ulong NextSequence { get; init; } = 1;

    /// <summary>Segments replayed (superseded ones excluded).</summary>
    public int SegmentsRead { get; init; }

    /// <summary>Set and Delete records handed to the handler.</summary>
    public long RecordsRead { get; init; }

    /// <summary>The last segment whose torn or corrupt tail was cut, or null.</summary>
    public string? TruncatedFile { get; init; }

    /// <summary>Bytes cut from the tail of the last segment (including a whole segment deleted because its header was torn).</summary>
    public long TruncatedBytes { get; init; }

    /// <summary>Records (whole or partial) in the cut tail, by their length fields.</summary>
    public int DroppedRecords { get; init; }

    /// <summary>Why the tail was cut (e.g. "record cut short", "checksum mismatch"), or null.</summary>
    public string? TruncationReason { get; init; }

    /// <summary>Segments older than a compacted segment, left by a compaction interrupted before it deleted them; now deleted.</summary>
    public int SupersededSegmentsDeleted { get; init; }

    /// <summary>Unfinished compaction outputs (<c>*.tmp</c>) deleted.</summary>
    public int TempFilesDeleted { get; init; }

    /// <summary>Null, or the damage that stopped recovery: which file, where, what.</summary>
    public string? Corruption { get; init; }

    /// <summary>The damaged file, when <see cref="Corruption"/> is set.</summary>
    public string? CorruptFile { get; init; }

    /// <summary>Offset of the first bad byte in <see cref="CorruptFile"/>.</summary>
    public long CorruptOffset { get; init; }

    public bool IsCorrupt => Corruption is not null;

    public override string ToString() => IsCorrupt
        ? $"corrupt: {CorruptFile} at offset {CorruptOffset}: {Corruption} ({RecordsRead} records read before it)"
        : $"{RecordsRead} records from {SegmentsRead} segments; truncated {TruncatedBytes} bytes ({DroppedRecords} records) "
          + $"of {TruncatedFile ?? "nothing"}; deleted {SupersededSegmentsDeleted} superseded segments, {TempFilesDeleted} temp files";
}
