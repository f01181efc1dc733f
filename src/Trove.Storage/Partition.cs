namespace Trove.Storage;

/// <summary>Per-class figures a partition keeps (indices into its tally arrays).</summary>
internal enum ClassTally
{
    // State: not cleared by stats reset.
    Items,
    RequestedBytes,
    // Statistics: cleared by stats reset.
    GetHits,
    CmdSet,
    DeleteHits,
    IncrHits,
    DecrHits,
    CasHits,
    CasBadval,
    TouchHits,
    CrawlerReclaimed,
    CrawlerItemsChecked,
    CrawlerExpiredUnfetched,
    Count,
}

/// <summary>Whole-partition figures; fields are only written under the partition lock.</summary>
internal struct PartitionCounters
{
    // State: not cleared by stats reset.
    public long CurrItems;
    public long Bytes;
    // Statistics.
    public long TotalItems;
    public long GetMisses;
    public long GetExpired;
    public long GetFlushed;
    public long DeleteMisses;
    public long IncrMisses;
    public long DecrMisses;
    public long CasMisses;
    public long TouchMisses;

    public void ResetStatistics()
    {
        long currItems = CurrItems;
        long bytes = Bytes;
        this = default;
        CurrItems = currItems;
        Bytes = bytes;
    }
}

/// <summary>
/// One of the fixed partitions every key maps to. It is also the lock stripe: its lock guards its hash table,
/// every item linked in it (header fields, value bytes) and its counters.
/// </summary>
internal sealed class Partition : IDisposable
{
    /// <summary>Statistics-only tallies start here; lower indices are state.</summary>
    private const int FirstStatisticTally = (int)ClassTally.GetHits;
    /// <summary>
    /// Unused longs before and after the tallies, so that the arrays of different partitions (allocated next to each
    /// other) never share a cache line: tallies are written on every request.
    /// </summary>
    private const int Padding = 8;

    private readonly long[]?[] _byClass;

    public Partition(int index, int classIds)
    {
        Index = index;
        _byClass = new long[]?[classIds];
        Table.Initialize(ItemTable.InitialCapacity);
    }

    /// <summary>This partition's number, as <see cref="CacheEngine.PartitionOf"/> gives it.</summary>
    public int Index { get; }

    public Lock Lock { get; } = new();

    public ItemTable Table;

    public PartitionCounters Counters;

    /// <summary>A per-class tally; allocated on first use of the class in this partition. Caller holds the lock.</summary>
    public ref long Tally(int classId, ClassTally which)
        => ref (_byClass[classId] ??= new long[Padding + (int)ClassTally.Count + Padding])[Padding + (int)which];

    /// <summary>Reads a tally without allocating (stats snapshot; racy reads of 64-bit values are fine).</summary>
    public long ReadTally(int classId, ClassTally which)
    {
        long[]? tallies = Volatile.Read(ref _byClass[classId]);
        return tallies is null ? 0 : Volatile.Read(ref tallies[Padding + (int)which]);
    }

    /// <summary>Clears statistics but keeps item counts. Caller holds the lock.</summary>
    public void ResetStatistics()
    {
        Counters.ResetStatistics();
        foreach (long[]? tallies in _byClass)
        {
            if (tallies is not null)
            {
                Array.Clear(tallies, Padding + FirstStatisticTally, (int)ClassTally.Count - FirstStatisticTally);
            }
        }
    }

    public void Dispose() => Table.Dispose();
}
