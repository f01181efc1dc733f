namespace Trove.Storage;

/// <summary>A snapshot of the engine's counters, named after the memcached stats they feed.</summary>
public sealed class EngineStats
{
    public long CurrItems { get; init; }
    public long TotalItems { get; init; }
    /// <summary>Sum of item sizes as memcached 1.6 counts them (stats "bytes").</summary>
    public long Bytes { get; init; }
    public long LimitMaxBytes { get; init; }
    public long Evictions { get; init; }
    public long Reclaimed { get; init; }
    public long ExpiredUnfetched { get; init; }
    public long EvictedUnfetched { get; init; }
    public long EvictedActive { get; init; }
    public long GetHits { get; init; }
    public long GetMisses { get; init; }
    public long GetExpired { get; init; }
    public long GetFlushed { get; init; }
    public long DeleteHits { get; init; }
    public long DeleteMisses { get; init; }
    public long IncrHits { get; init; }
    public long IncrMisses { get; init; }
    public long DecrHits { get; init; }
    public long DecrMisses { get; init; }
    public long CasHits { get; init; }
    public long CasMisses { get; init; }
    public long CasBadval { get; init; }
    public long TouchHits { get; init; }
    public long TouchMisses { get; init; }
    /// <summary>Store calls that got as far as allocating the item (memcached counts them per slab class).</summary>
    public long CmdSet { get; init; }
    public long CrawlerReclaimed { get; init; }
    public long CrawlerItemsChecked { get; init; }
    /// <summary>Complete passes of the crawler over all partitions.</summary>
    public long CrawlerPasses { get; init; }
    public long OutOfMemory { get; init; }
    /// <summary>log2 of the total number of hash table slots, rounded down (memcached hash_power_level).</summary>
    public int HashPowerLevel { get; init; }
    public long HashBytes { get; init; }
    /// <summary>Bytes of item memory taken from the system (pages and large items).</summary>
    public long TotalMalloced { get; init; }
    /// <summary>Free pages kept for any class (memcached slab_global_page_pool).</summary>
    public int GlobalPagePool { get; init; }
    /// <summary>Slab classes that own at least one page.</summary>
    public int ActiveSlabs { get; init; }
    public long SlabsMoved { get; init; }
    public long SlabReassignRescues { get; init; }
    public long SlabReassignEvictions { get; init; }
    /// <summary>The next CAS unique the engine will hand out.</summary>
    public ulong NextCas { get; init; }
    public IReadOnlyList<SlabClassStats> Classes { get; init; } = [];
}

/// <summary>
/// One slab class, with what memcached prints in "stats slabs" and "stats items". Items larger than a page have
/// their own entry (<see cref="IsLarge"/>) whose chunk size is 0 and whose pages are the bytes they use, in pages.
/// </summary>
public sealed class SlabClassStats
{
    public int Id { get; init; }
    public bool IsLarge { get; init; }
    public int ChunkSize { get; init; }
    public int ChunksPerPage { get; init; }
    public long TotalPages { get; init; }
    public long TotalChunks { get; init; }
    public long UsedChunks { get; init; }
    public long FreeChunks { get; init; }
    /// <summary>Always 0, as in memcached 1.6 (pages are carved lazily but reported as free).</summary>
    public long FreeChunksEnd { get; init; }
    /// <summary>Bytes of the items in the class, in Trove's layout.</summary>
    public long MemRequested { get; init; }
    public long GetHits { get; init; }
    public long CmdSet { get; init; }
    public long DeleteHits { get; init; }
    public long IncrHits { get; init; }
    public long DecrHits { get; init; }
    public long CasHits { get; init; }
    public long CasBadval { get; init; }
    public long TouchHits { get; init; }
    /// <summary>Linked items (stats items "number").</summary>
    public long Number { get; init; }
    /// <summary>Seconds since the last access of the oldest item, as estimated by the crawler and the CLOCK hand.</summary>
    public uint AgeSeconds { get; init; }
    public long Evicted { get; init; }
    public long EvictedNonzero { get; init; }
    public uint EvictedTime { get; init; }
    public long OutOfMemory { get; init; }
    public long Reclaimed { get; init; }
    public long ExpiredUnfetched { get; init; }
    public long EvictedUnfetched { get; init; }
    public long EvictedActive { get; init; }
    public long CrawlerReclaimed { get; init; }
    public long CrawlerItemsChecked { get; init; }
}
