namespace Trove.Storage;

/// <summary>
/// Moving memory between consumers (slab classes and the large arena), memcached's slab_reassign/automove:
/// a page is emptied by moving its live items into free chunks of the same class (or evicting them when there
/// are none) and then handed to the class that needs it, or back to the pool.
/// </summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>Id used for "no requester" when memory is released for its own sake.</summary>
    private const int NoRequester = -1;
    /// <summary>Candidate pages examined when a class gives one up.</summary>
    private const int EvacuationCandidates = 8;
    /// <summary>Pages one call of <see cref="RebalanceMemory"/> may move.</summary>
    private const int MaxPagesPerRebalance = 64;

    private long _slabsMoved;
    private long _slabReassignRescues;
    private long _slabReassignEvictions;
    private long _donorScan;

    /// <summary>
    /// Frees memory above a lowered limit and returns to the pool one page from each class that holds two or more
    /// pages' worth of free chunks (memcached's automove to the global page pool). Call it from a background task
    /// about once a second; returns the number of pages moved.
    /// </summary>
    public int RebalanceMemory()
    {
        uint now = Now;
        int moved = 0;
        while (_pages.Malloced > _pages.Limit && moved < MaxPagesPerRebalance)
        {
            nint page = TakePageFromDonor(NoRequester, requesterEmpty: true, 0, now);
            if (page == 0)
            {
                break;
            }

            _pages.FreePage(page);
            moved++;
        }

        for (int id = 1; id < _classes.Length && moved < MaxPagesPerRebalance; id++)
        {
            SlabClass cls = _classes[id];
            if (cls.PageCount >= 2 && cls.TotalChunks - cls.UsedChunks >= 2L * cls.ChunksPerPage)
            {
                nint page = EvacuateOnePage(cls, now);
                if (page != 0)
                {
                    _pages.Return(page);
                    moved++;
                }
            }
        }

        return moved;
    }

    /// <summary>
    /// memcached automove's test (ratio 0.8): the donor's oldest data is clearly older than what the requester
    /// would evict.
    /// </summary>
    private static bool IsMuchOlder(uint donorTail, uint requesterTail, uint now)
    {
        ulong donorAge = now - donorTail;
        ulong requesterAge = now - requesterTail;
        return donorAge >= 2 && requesterAge * 5 < donorAge * 4;
    }

    /// <summary>
    /// Whether some other consumer holds much older data than <paramref name="requesterId"/> (then memory should
    /// move instead of the requester evicting its own). The oldest consumer is rescanned at most once per second.
    /// </summary>
    private bool HasMuchOlderDonor(int requesterId, uint requesterTail, uint now)
    {
        long scan = Volatile.Read(ref _donorScan);
        if ((uint)(scan >> 32) != now)
        {
            (int id, uint tail) = FindOldestDonorExcept(NoRequester, default);
            scan = Pack(now, id, tail);
            Volatile.Write(ref _donorScan, scan);
        }

        (int oldestId, uint oldestTail) = Unpack(scan, now);
        return oldestId >= 0 && oldestId != requesterId && IsMuchOlder(oldestTail, requesterTail, now);
    }

    private static long Pack(uint now, int id, uint tail)
    {
        // High 32 bits: scan time; then 8 bits of id + 1; low 24 bits: age of the tail (capped).
        uint age = Math.Min(now - tail, 0xFF_FFFF);
        return ((long)now << 32) | ((long)((id + 1) & 0xFF) << 24) | age;
    }

    private static (int Id, uint Tail) Unpack(long scan, uint now)
    {
        int id = (int)((scan >> 24) & 0xFF) - 1;
        uint age = (uint)(scan & 0xFF_FFFF);
        return (id, now - age);
    }

    /// <summary>
    /// A page for <paramref name="requesterId"/> taken from another consumer: first from a class with at least a
    /// page of free chunks (its live items move, nothing is lost), else from the consumers with much older data
    /// (all of them when the requester has no memory at all). Returns 0 when none can give. Caller holds no lock.
    /// </summary>
    private nint TakePageFromDonor(int requesterId, bool requesterEmpty, uint requesterTail, uint now)
    {
        for (int id = 1; id < _classes.Length; id++)
        {
            SlabClass cls = _classes[id];
            if (id != requesterId && cls.PageCount >= 2 && cls.TotalChunks - cls.UsedChunks >= cls.ChunksPerPage)
            {
                nint page = EvacuateOnePage(cls, now);
                if (page != 0)
                {
                    return page;
                }
            }
        }

        Span<int> tried = stackalloc int[3];
        for (int attempt = 0; attempt < tried.Length; attempt++)
        {
            (int id, uint tail) = FindOldestDonorExcept(requesterId, tried.Slice(0, attempt));
            if (id == NoRequester || !(requesterEmpty || IsMuchOlder(tail, requesterTail, now)))
            {
                return 0;
            }

            tried[attempt] = id;
            nint page = id == SlabClassTable.LargeClassId ? PageFromLargeArena(now) : EvacuateOnePage(_classes[id], now);
            if (page != 0)
            {
                return page;
            }
        }

        return 0;
    }

    /// <summary>The consumer that could give memory up (a class keeping at least one page, or the large arena) with the oldest tail.</summary>
    private (int Id, uint Tail) FindOldestDonorExcept(int requesterId, ReadOnlySpan<int> tried)
    {
        int bestId = NoRequester;
        uint bestTail = uint.MaxValue;
        for (int id = 1; id < _classes.Length; id++)
        {
            SlabClass cls = _classes[id];
            if (id != requesterId && !tried.Contains(id) && cls.PageCount >= 2 && cls.TailTime < bestTail)
            {
                bestId = id;
                bestTail = cls.TailTime;
            }
        }

        if (requesterId != SlabClassTable.LargeClassId && !tried.Contains(SlabClassTable.LargeClassId)
            && _large.Count > 0 && _large.TailTime < bestTail)
        {
            bestId = SlabClassTable.LargeClassId;
            bestTail = _large.TailTime;
        }

        return (bestId, bestTail);
    }

    /// <summary>Evicts large items until the budget yields a page.</summary>
    private nint PageFromLargeArena(uint now)
    {
        while (true)
        {
            nint page = _pages.TryTake();
            if (page != 0)
            {
                return page;
            }

            using (_large.Lock.EnterScope())
            {
                if (!EvictLargeOne(now, force: true))
                {
                    return 0;
                }
            }
        }
    }

    /// <summary>Empties one page of <paramref name="cls"/> (which keeps at least one page) and detaches it; 0 if all candidates are busy.</summary>
    private nint EvacuateOnePage(SlabClass cls, uint now)
    {
        using (cls.Lock.EnterScope())
        {
            if (cls.PageCount < 2)
            {
                return 0;
            }

            // Without eviction a page's live items must all land in free chunks of the other pages; fewer than
            // a page of free chunks in the class cannot hold a full page's items, so do not try (the crawler
            // frees dead items and a later call can succeed).
            if (_evictionDisabled && cls.TotalChunks - cls.UsedChunks < cls.ChunksPerPage)
            {
                return 0;
            }

            Span<int> candidates = stackalloc int[EvacuationCandidates];
            Span<int> freeCounts = stackalloc int[EvacuationCandidates];
            int count = Math.Min(EvacuationCandidates, cls.PageCount);
            for (int i = 0; i < count; i++)
            {
                candidates[i] = cls.PageAheadOfHand(i);
                freeCounts[i] = CountFreeChunks(cls, candidates[i]);
            }

            // Emptiest pages first: fewer items to move or lose.
            candidates = candidates.Slice(0, count);
            freeCounts.Slice(0, count).Sort(candidates);
            for (int i = count - 1; i >= 0 && i >= count - 4; i--)
            {
                nint page = TryEvacuatePage(cls, candidates[i], now);
                if (page != 0)
                {
                    Interlocked.Increment(ref _slabsMoved);
                    return page;
                }
            }

            return 0;
        }
    }

    private static int CountFreeChunks(SlabClass cls, int pageIndex)
    {
        int carved = cls.CarvedChunks(pageIndex);
        int free = cls.ChunksPerPage - carved;
        for (int i = 0; i < carved; i++)
        {
            if ((cls.ChunkAt(pageIndex, i)->Flags & ItemFlags.Free) != 0)
            {
                free++;
            }
        }

        return free;
    }

    /// <summary>
    /// Empties and detaches one page, or changes nothing visible and returns 0 when a chunk is in flight or its
    /// partition is busy. Caller holds the class lock.
    /// </summary>
    private nint TryEvacuatePage(SlabClass cls, int pageIndex, uint now)
    {
        int carved = cls.CarvedChunks(pageIndex);
        for (int i = 0; i < carved; i++)
        {
            if ((cls.ChunkAt(pageIndex, i)->Flags & (ItemFlags.Linked | ItemFlags.Free)) == 0)
            {
                return 0;
            }
        }

        for (int i = 0; i < carved; i++)
        {
            ItemHeader* chunk = cls.ChunkAt(pageIndex, i);
            if ((chunk->Flags & ItemFlags.Free) != 0)
            {
                cls.UnlinkFree(chunk);
            }
        }

        uint oldestEvicted = uint.MaxValue;
        bool busy = false;
        for (int i = 0; i < carved && !busy; i++)
        {
            ItemHeader* chunk = cls.ChunkAt(pageIndex, i);
            if ((chunk->Flags & ItemFlags.Free) == 0)
            {
                busy = !TryMoveOut(cls, chunk, now, ref oldestEvicted);
            }
        }

        if (busy)
        {
            for (int i = 0; i < carved; i++)
            {
                ItemHeader* chunk = cls.ChunkAt(pageIndex, i);
                if ((chunk->Flags & ItemFlags.Free) != 0)
                {
                    cls.RelistFree(chunk);
                }
            }

            return 0;
        }

        if (oldestEvicted != uint.MaxValue && oldestEvicted > cls.TailTime)
        {
            cls.TailTime = oldestEvicted;
        }

        return cls.RemovePageAt(pageIndex);
    }

    /// <summary>
    /// Moves a linked item out of a page being emptied: into a free chunk of the class if there is one
    /// (memcached slab_reassign_rescues), else it is evicted. The chunk ends up free and unlisted.
    /// With eviction disabled a live item that has nowhere to go stays, and false is returned as for a busy
    /// partition, so the page is given up only when every live item on it was re-homed.
    /// Caller holds the class lock; the partition is only tried.
    /// </summary>
    private bool TryMoveOut(SlabClass cls, ItemHeader* chunk, uint now, ref uint oldestEvicted)
    {
        if ((chunk->Flags & ItemFlags.Linked) == 0 || !ItemHeader.TryReadKeyUnlocked(chunk, cls.ChunkSize, out ReadOnlySpan<byte> key))
        {
            return false;
        }

        ulong hash = XxHash64.Hash(key);
        Partition part = PartitionFor(hash);
        if (part.Lock.IsHeldByCurrentThread || !part.Lock.TryEnter())
        {
            return false;
        }

        try
        {
            int slot = part.Table.FindSlotOf(chunk, hash);
            if (slot < 0)
            {
                return false;
            }

            if (IsDead(chunk, now))
            {
                cls.Counters.Reclaimed++;
                if ((chunk->Flags & ItemFlags.Fetched) == 0)
                {
                    cls.Counters.ExpiredUnfetched++;
                }
            }
            else
            {
                ItemHeader* target = cls.TryPopFree();
                if (target != null)
                {
                    int size = ItemBytes(chunk);
                    Buffer.MemoryCopy(chunk, target, cls.ChunkSize, size);
                    part.Table.ReplaceAt(slot, target);
                    cls.FreeDetached(chunk);
                    Interlocked.Increment(ref _slabReassignRescues);
                    return true;
                }

                if (_evictionDisabled)
                {
                    return false;
                }

                oldestEvicted = Math.Min(oldestEvicted, chunk->Time);
                Interlocked.Increment(ref _slabReassignEvictions);
            }

            Unlink(part, slot, chunk);
            cls.FreeDetached(chunk);
            return true;
        }
        finally
        {
            part.Lock.Exit();
        }
    }
}
