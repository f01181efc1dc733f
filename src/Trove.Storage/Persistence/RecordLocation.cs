namespace Trove.Storage.Persistence;

/// <summary>
/// Where a record is in the log: segment <paramref name="Sequence"/>, byte <paramref name="Offset"/> of the record's
/// frame, and the frame's CRC-32C, which identifies the record's bytes (a reader that finds another CRC there has
/// found another record). Assigned by <see cref="LogWriter"/> at append time and by <see cref="LogReader"/> when
/// reading; default means none.
/// </summary>
public readonly record struct RecordLocation(ulong Sequence, long Offset, uint Crc)
{
    /// <summary>Whether this is a real location (sequences start at 1).</summary>
    public bool IsKnown => Sequence != 0;
}
