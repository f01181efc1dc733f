namespace Trove.Storage;

/// <summary>
/// Values on disk: moving cold values out of memory (demotion) when memory runs low, in the background
/// (<see cref="DemoteCold"/>) and in the foreground when an allocation fails (<see cref="AllocateItemOrDemote"/>).
/// </summary>
/// <remarks>
/// Lock order is the engine's: a partition lock is held only to choose candidates and to swap one item for its stub;
/// stubs are allocated with no lock held. Demotion is memcached extstore's idea (items.c / storage.c) on Trove's
/// log: the value's copy on disk already exists (the item's latest Set record), so demoting writes nothing.
/// </remarks>
public sealed unsafe partial class CacheEngine
{
    /// <summary>Items one demotion step moves out at most.</summary>
    private const int DemotionBatch = 64;
    /// <summary>Pages the stubs' classes may take above the limit while demoting; <see cref="RebalanceMemory"/> returns
    /// as much once the demoted values' chunks are free (each demotion frees more than its stub takes).</summary>
    private const int StubReservePages = 2;
    /// <summary>Items demoted per round while paying back pages stubs took above the limit.</summary>
    private const int DebtBatch = 1024;
    /// <summary>Classes any: demote from every class.</summary>
    private const int AnyClass = 0;

    private int _demotionCursor;

    /// <summary>Whether this engine keeps values on disk (<see cref="EngineOptions.ValuesOnDisk"/>).</summary>
    public bool ValuesOnDisk => _locationBytes != 0;

    private bool CanDemote => _locationBytes != 0 && ValueLog is not null;

    /// <summary>Free memory the background demoter keeps: 1/16 of the limit, at least two pages.</summary>
    private long LowWatermark => Math.Max(2L * SlabClassTable.PageSize, _pages.Limit / 16);

    /// <summary>
    /// Budget not yet taken from the system, pages waiting in the pool, and free chunks in the classes (read without
    /// their locks: an estimate). Free chunks count because demotion frees chunks, not pages: without them the
    /// background demoter would see no gain and move every value out.
    /// </summary>
    private long FreeBytes()
    {
        long free = Math.Max(0, _pages.Limit - _pages.Malloced) + (long)_pages.PooledPages * SlabClassTable.PageSize;
        for (int id = 1; id < _classes.Length; id++)
        {
            SlabClass cls = _classes[id];
            free += Math.Max(0, cls.TotalChunks - cls.UsedChunks) * cls.ChunkSize;
        }

        return free;
    }

    /// <summary>
    /// Background demotion: when free memory is below the low watermark, moves up to <paramref name="maxItems"/> cold
    /// values out of memory (their items become stubs) and returns surplus pages to the pool. Returns the number
    /// demoted. Call it about ten times a second; a no-op without values on disk.
    /// </summary>
    public int DemoteCold(int maxItems)
    {
        if (!CanDemote || FreeBytes() >= LowWatermark)
        {
            return 0;
        }

        uint now = Now;
        int demoted = Demote(maxItems, AnyClass, now);
        if (demoted > 0)
        {
            RebalanceMemory();
        }

        PayStubDebt(now);
        return demoted;
    }

    /// <summary>
    /// Stubs may have taken pages above the limit (<see cref="StubReservePages"/>); before freed chunks are reused,
    /// demote until whole pages come free and return them, so memory comes back under the limit and the reserve is
    /// there for the next demotion. Without this, new values would refill the freed chunks and the stubs' class could
    /// find no page at all, with every value left in memory stuck there. No lock held by the caller.
    /// </summary>
    private void PayStubDebt(uint now)
    {
        for (int round = 0; round < 16 && _pages.Malloced > _pages.Limit; round++)
        {
            int demoted = Demote(DebtBatch, AnyClass, now);
            int moved = RebalanceMemory();
            if (demoted == 0 && moved == 0)
            {
                return;
            }
        }
    }

    /// <summary>
    /// <see cref="AllocateItem"/>, and when it fails with values on disk: demote cold items of the same class (their
    /// chunks come free), then of any class with a rebalance (pages move to this class), and try again; when nothing
    /// could be demoted, wait for the log's queued records to be written first. Null only when nothing more can
    /// leave memory (keys and metadata fill it). No lock held by the caller.
    /// </summary>
    private ItemHeader* AllocateItemOrDemote(int size, uint now)
    {
        ItemHeader* item = AllocateItem(size, now);
        if (item != null || !CanDemote)
        {
            return item;
        }

        int classId = _classTable.ClassFor(size);
        for (int round = 0; round < 4 && item == null; round++)
        {
            int demoted = Demote(DemotionBatch, round == 0 ? classId : AnyClass, now);
            if (round > 0)
            {
                RebalanceMemory();
            }

            PayStubDebt(now);
            item = AllocateItem(size, now);
            if (item == null && demoted == 0)
            {
                if (round >= 2)
                {
                    break;
                }

                // Nothing could leave memory: perhaps the records are still in the writer's batch. Once written
                // they may (back-pressure on the writing client rather than a refusal).
                ValueLog?.WaitWritten();
            }
        }

        return item;
    }

    /// <summary>An item chosen for demotion: checked again under the lock by address and CAS before it goes.</summary>
    private struct DemotionCandidate
    {
        public nint Item;
        public ulong Cas;
        public ulong Hash;
        public int KeyOffset;
        public int KeyLength;
    }

    /// <summary>Demotes up to <paramref name="max"/> items of the class (or any), visiting partitions round-robin. No lock held.</summary>
    private int Demote(int max, int classId, uint now)
    {
        int demoted = 0;
        int mask = _partitions.Length - 1;
        // Room for a batch of memcached-sized keys, and for at least one key of the longest length (store mode's long
        // keys): a batch of long keys is cut short where the room ends.
        byte[] keys = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(DemotionBatch * KeyMaxLength, _maxKeyLength));
        Span<DemotionCandidate> candidates = stackalloc DemotionCandidate[DemotionBatch];
        try
        {
            for (int visited = 0; visited < _partitions.Length && demoted < max; visited++)
            {
                Partition part = _partitions[Interlocked.Increment(ref _demotionCursor) & mask];
                int found = CollectCandidates(part, classId, now, candidates[..Math.Min(DemotionBatch, max - demoted)], keys);
                for (int i = 0; i < found; i++)
                {
                    if (DemoteOne(part, candidates[i], keys, now))
                    {
                        demoted++;
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(keys);
        }

        return demoted;
    }

    /// <summary>
    /// Under the partition lock: items worth demoting, CLOCK style (an item read since the last pass loses one unit of
    /// its count instead of going). Worth demoting: live, not a stub, its latest record written to its file, and its
    /// stub in a smaller slab class than the item (else no memory would come free).
    /// </summary>
    private int CollectCandidates(Partition part, int classId, uint now, Span<DemotionCandidate> candidates, byte[] keys)
    {
        int found = 0;
        int keyBytes = 0;
        IValueLog? log = ValueLog;
        if (log is null)
        {
            return 0;
        }

        using (part.Lock.EnterScope())
        {
            int capacity = part.Table.Capacity;
            for (int slot = 0; slot < capacity && found < candidates.Length; slot++)
            {
                ItemHeader* item = part.Table.At(slot);
                if (item == null || IsStub(item) || (classId != AnyClass && item->SlabClass != classId) || IsDead(item, now))
                {
                    continue;
                }

                ItemLocation* trailer = ItemHeader.Location(item);
                if (trailer->File == 0 || _classTable.ClassFor(ItemSize(ItemHeader.KeyLengthOf(item), 0)) == item->SlabClass)
                {
                    continue;
                }

                byte clock = item->Clock;
                if ((clock & ItemHeader.ClockCountMask) != 0)
                {
                    item->Clock = (byte)(clock - 1);
                    continue;
                }

                if (!log.IsWritten(trailer->ToValueLocation(), SetRecordLength(ItemHeader.KeyLengthOf(item), item->ValueLength)))
                {
                    continue;
                }

                ReadOnlySpan<byte> key = ItemHeader.Key(item);
                if (key.Length > keys.Length - keyBytes)
                {
                    break; // the keys' room is full (long keys): the rest wait for the next batch
                }

                int offset = keyBytes;
                key.CopyTo(keys.AsSpan(offset));
                keyBytes += key.Length;
                candidates[found++] = new DemotionCandidate
                {
                    Item = (nint)item,
                    Cas = item->Cas,
                    Hash = XxHash64.Hash(key),
                    KeyOffset = offset,
                    KeyLength = key.Length,
                };
            }
        }

        return found;
    }

    /// <summary>Swaps one candidate for its stub if it is unchanged. No lock held by the caller.</summary>
    private bool DemoteOne(Partition part, in DemotionCandidate candidate, byte[] keys, uint now)
    {
        ReadOnlySpan<byte> key = keys.AsSpan(candidate.KeyOffset, candidate.KeyLength);
        ItemHeader* stub = AllocateStub(ItemSize(key.Length, 0), now);
        if (stub == null)
        {
            return false;
        }

        WriteHeader(stub, key, 0, 0, 0);
        var item = (ItemHeader*)candidate.Item;
        bool done = false;
        using (part.Lock.EnterScope())
        {
            ItemHeader* current = part.Table.Find(key, candidate.Hash, out int slot);
            if (current == item && !IsStub(current) && current->Cas == candidate.Cas && !IsDead(current, now))
            {
                ItemLocation* trailer = ItemHeader.Location(current);
                if (trailer->File != 0 && ValueLog is { } log
                    && log.IsWritten(trailer->ToValueLocation(), SetRecordLength(ItemHeader.KeyLengthOf(current), current->ValueLength)))
                {
                    *ItemHeader.Location(stub) = *trailer;
                    Relink(part, slot, current, stub, stub: true);
                    done = true;
                }
            }
        }

        FreeItem(done ? item : stub);
        if (done)
        {
            _disk.Demoted();
        }

        return done;
    }

    /// <summary>
    /// Memory for a stub: as any item, or else from a new page for its class taken up to <see cref="StubReservePages"/>
    /// above the limit, so demotion can always begin when memory is full. No lock held by the caller.
    /// </summary>
    private ItemHeader* AllocateStub(int size, uint now)
    {
        ItemHeader* item = AllocateItem(size, now);
        if (item != null)
        {
            return item;
        }

        int classId = _classTable.ClassFor(size);
        SlabClass cls = _classes[classId];
        using (cls.Lock.EnterScope())
        {
            item = cls.TryAllocate();
            if (item == null && cls.CanAddPage
                && _pages.Malloced < _pages.Limit + (long)StubReservePages * SlabClassTable.PageSize)
            {
                nint page = _pages.TryTake(overLimit: true);
                if (page != 0)
                {
                    cls.AddPage(page, now);
                    item = cls.TryAllocate();
                }
            }
        }

        return item;
    }

    /// <summary>
    /// Compaction moved the record at <paramref name="from"/> to <paramref name="to"/>: the key's item, if its
    /// location is still <paramref name="from"/>, now points at <paramref name="to"/>. Returns whether it did.
    /// The caller (compaction) calls it for every record it kept, after the new file is readable and before the old
    /// one is deleted.
    /// </summary>
    public bool Relocate(ReadOnlySpan<byte> key, in ValueLocation from, in ValueLocation to)
    {
        if (_locationBytes == 0 || key.Length > _maxKeyLength)
        {
            return false;
        }

        ulong hash = XxHash64.Hash(key);
        Partition part = PartitionFor(hash);
        using (part.Lock.EnterScope())
        {
            ItemHeader* item = part.Table.Find(key, hash, out _);
            if (item == null)
            {
                return false;
            }

            ItemLocation* trailer = ItemHeader.Location(item);
            if (trailer->File != from.File || trailer->Offset != from.Offset || trailer->Crc != from.Crc)
            {
                return false;
            }

            trailer->File = to.File;
            trailer->Offset = to.Offset;
            trailer->Crc = to.Crc;
        }

        _disk.Relocated(1);
        return true;
    }
}
