namespace Trove.Storage;

/// <summary>
/// Where an item's latest Set record is in the store-mode log, as the engine keeps it: a file id (the segment's
/// sequence, or an id the <see cref="IValueLog"/> gave a compacted segment), the record's byte offset in it and the
/// record's CRC-32C, which identifies its bytes. <see cref="File"/> 0 means none.
/// </summary>
public readonly record struct ValueLocation(uint File, uint Offset, uint Crc)
{
    public bool IsKnown => File != 0;
}
