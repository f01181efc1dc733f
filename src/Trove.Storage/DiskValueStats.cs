namespace Trove.Storage;

/// <summary>Values on disk (store mode), as <c>stats store</c> shows them. A snapshot; fields may be a moment apart.</summary>
public sealed class DiskValueStats
{
    /// <summary>Items whose value is only on disk (stubs).</summary>
    public long ItemsOnDisk { get; init; }
    /// <summary>Bytes of the values stubs hold on disk.</summary>
    public long ValueBytesOnDisk { get; init; }
    /// <summary>Records read back from the log for a stub.</summary>
    public long Reads { get; init; }
    /// <summary>Bytes of those records.</summary>
    public long ReadBytes { get; init; }
    /// <summary>Reads that failed or found another record than the stub's (answered SERVER_ERROR, never served).</summary>
    public long ReadErrors { get; init; }
    /// <summary>Items whose value left memory.</summary>
    public long Demotions { get; init; }
    /// <summary>Stubs whose value came back into memory.</summary>
    public long Promotions { get; init; }
    /// <summary>Locations moved by compaction.</summary>
    public long Relocations { get; init; }
}

/// <summary>The engine's counters behind <see cref="DiskValueStats"/>; updated with interlocked adds (several partitions at once).</summary>
internal sealed class DiskValueCounters
{
    private long _itemsOnDisk;
    private long _valueBytesOnDisk;
    private long _reads;
    private long _readBytes;
    private long _readErrors;
    private long _demotions;
    private long _promotions;
    private long _relocations;

    public void Linked(int valueLength)
    {
        Interlocked.Increment(ref _itemsOnDisk);
        Interlocked.Add(ref _valueBytesOnDisk, valueLength);
    }

    public void Unlinked(int valueLength)
    {
        Interlocked.Decrement(ref _itemsOnDisk);
        Interlocked.Add(ref _valueBytesOnDisk, -valueLength);
    }

    public void Read(int bytes)
    {
        Interlocked.Increment(ref _reads);
        Interlocked.Add(ref _readBytes, bytes);
    }

    public void ReadFailed() => Interlocked.Increment(ref _readErrors);

    public void Demoted() => Interlocked.Increment(ref _demotions);

    public void Promoted() => Interlocked.Increment(ref _promotions);

    public void Relocated(long count) => Interlocked.Add(ref _relocations, count);

    public DiskValueStats Snapshot() => new()
    {
        ItemsOnDisk = Volatile.Read(ref _itemsOnDisk),
        ValueBytesOnDisk = Volatile.Read(ref _valueBytesOnDisk),
        Reads = Volatile.Read(ref _reads),
        ReadBytes = Volatile.Read(ref _readBytes),
        ReadErrors = Volatile.Read(ref _readErrors),
        Demotions = Volatile.Read(ref _demotions),
        Promotions = Volatile.Read(ref _promotions),
        Relocations = Volatile.Read(ref _relocations),
    };
}
