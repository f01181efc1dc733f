namespace Trove.Storage;

/// <summary>Item memory: allocation from slab classes and the large arena, and CLOCK eviction.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>Chunks the CLOCK hand examines before it evicts regardless of recent use.</summary>
    private const int SweepBudget = 1024;
    /// <summary>Times an operation re-validates after allocating outside the lock before giving up.</summary>
    private const int MaxRevalidations = 16;

    /// <summary>What a victim looked like when it was unlinked (read under its partition lock).</summary>
    private readonly record struct Victim(bool Dead, bool Fetched, bool Active, uint Time, uint ExpiresAt);

    /// <summary>
    /// Memory for an item of <paramref name="size"/> bytes, marked in flight, or null when nothing can be freed.
    /// The caller must not hold any lock.
    /// </summary>
    private ItemHeader* AllocateItem(int size, uint now)
    {
        int classId = _classTable.ClassFor(size);
        return classId == SlabClassTable.LargeClassId ? AllocateLarge(size, now) : AllocateChunk(_classes[classId], now);
    }

    /// <summary>
    /// A chunk of the class: free list, carving, a new page within the budget, then — when memory is full —
    /// a page taken from a consumer holding much older data, or else eviction within the class.
    /// </summary>
    private ItemHeader* AllocateChunk(SlabClass cls, uint now)
    {
        ItemHeader* item;
        bool empty;
        uint tail;
        using (cls.Lock.EnterScope())
        {
            item = cls.TryAllocate();
            if (item != null)
            {
                return item;
            }

            if (cls.CanAddPage)
            {
                nint page = _pages.TryTake();
                if (page != 0)
                {
                    cls.AddPage(page, now);
                    return cls.TryAllocate();
                }
            }

            empty = cls.PageCount == 0;
            if (!empty && !HasMuchOlderDonor(cls.Id, cls.TailTime, now))
            {
                item = EvictForReuse(cls, now);
                if (item != null)
                {
                    return item;
                }
            }

            tail = cls.TailTime;
        }

        nint stolen = TakePageFromDonor(cls.Id, empty, tail, now);
        using (cls.Lock.EnterScope())
        {
            if (stolen != 0)
            {
                if (cls.CanAddPage)
                {
                    cls.AddPage(stolen, now);
                }
                else
                {
                    _pages.Return(stolen);
                }
            }

            item = cls.TryAllocate();
            if (item == null && cls.PageCount > 0)
            {
                item = EvictForReuse(cls, now);
            }

            if (item == null && cls.PageCount == 0)
            {
                // memcached's exception: a class may always have its first page, even over the limit.
                nint page = _pages.TryTake(overLimit: true);
                if (page != 0)
                {
                    cls.AddPage(page, now);
                    item = cls.TryAllocate();
                }
            }

            if (item == null)
            {
                cls.Counters.OutOfMemory++;
            }
        }

        return item;
    }

    /// <summary>
    /// A dedicated allocation for an item larger than a page. Budget is made by evicting large items, or by
    /// releasing slab pages of a consumer with much older data, until the item fits.
    /// </summary>
    private ItemHeader* AllocateLarge(int size, uint now)
    {
        long bytes = LargeArena.AllocationSize(size);
        if (bytes > _pages.Limit)
        {
            // Could never fit: do not empty the cache trying.
            using (_large.Lock.EnterScope())
            {
                _large.Counters.OutOfMemory++;
            }

            return null;
        }

        while (true)
        {
            bool empty;
            uint tail;
            using (_large.Lock.EnterScope())
            {
                if (_pages.TryReserve(bytes))
                {
                    ItemHeader* item = _large.Allocate(size, now);
                    if (item == null)
                    {
                        _pages.Release(bytes);
                        _large.Counters.OutOfMemory++;
                    }

                    return item;
                }

                empty = _large.Count == 0;
                if (!empty && !HasMuchOlderDonor(SlabClassTable.LargeClassId, _large.TailTime, now) && EvictLargeOne(now, force: false))
                {
                    continue;
                }

                tail = _large.TailTime;
            }

            nint page = TakePageFromDonor(SlabClassTable.LargeClassId, empty, tail, now);
            if (page != 0)
            {
                _pages.FreePage(page);
                continue;
            }

            using (_large.Lock.EnterScope())
            {
                if (_large.Count > 0 && EvictLargeOne(now, force: true))
                {
                    continue;
                }

                _large.Counters.OutOfMemory++;
                return null;
            }
        }
    }

    /// <summary>
    /// CLOCK: advances the class's hand, giving recently read items another pass, and takes the first item that is
    /// expired, flushed or not recently used (after <see cref="SweepBudget"/> chunks, any item). Returns the
    /// victim's chunk, already unlinked and marked in flight, or null. Caller holds the class lock.
    /// </summary>
    private ItemHeader* EvictForReuse(SlabClass cls, uint now)
    {
        for (int step = 0; step < 2 * SweepBudget; step++)
        {
            ItemHeader* item = cls.AdvanceHand();
            if (item == null)
            {
                return null;
            }

            if (!IsVictimCandidate(item, now, force: step >= SweepBudget))
            {
                continue;
            }

            if (TryUnlinkVictim(item, cls.ChunkSize, now, out Victim victim))
            {
                uint tail = cls.TailTime;
                CountVictim(ref cls.Counters, ref tail, victim, now);
                cls.TailTime = tail;
                item->Flags = ItemFlags.None;
                item->Clock = 0;
                return item;
            }
        }

        return null;
    }

    /// <summary>CLOCK over the large items; frees one victim. Caller holds the arena lock.</summary>
    private bool EvictLargeOne(uint now, bool force)
    {
        for (int step = 0; step < 2 * SweepBudget; step++)
        {
            ItemHeader* item = _large.AdvanceHand();
            if (item == null)
            {
                return false;
            }

            if (!IsVictimCandidate(item, now, force: force || step >= SweepBudget))
            {
                continue;
            }

            if (TryUnlinkVictim(item, int.MaxValue, now, out Victim victim))
            {
                uint tail = _large.TailTime;
                CountVictim(ref _large.Counters, ref tail, victim, now);
                _large.TailTime = tail;
                _pages.Release(_large.Free(item));
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Racy pre-check of a chunk under the hand (the partition lock is not held): linked, and dead or without
    /// recent use. A recently used item instead loses one unit of its CLOCK count (and its active mark).
    /// </summary>
    private bool IsVictimCandidate(ItemHeader* item, uint now, bool force)
    {
        if ((item->Flags & ItemFlags.Linked) == 0)
        {
            return false;
        }

        if (force || IsDead(item, now))
        {
            return true;
        }

        byte clock = item->Clock;
        if ((clock & ItemHeader.ClockCountMask) == 0)
        {
            return true;
        }

        item->Clock = (byte)((clock - 1) & ItemHeader.ClockCountMask);
        return false;
    }

    /// <summary>
    /// Unlinks a victim found by scanning memory. Its key is read without the partition lock, so the partition is
    /// only tried (never waited for) and the item is re-validated by address in the table under that lock.
    /// The caller holds the class or arena lock, so the chunk cannot be freed or reused meanwhile.
    /// </summary>
    private bool TryUnlinkVictim(ItemHeader* item, int chunkSize, uint now, out Victim victim)
    {
        victim = default;
        int keyLength = item->KeyLength;
        if (ItemHeader.Size + keyLength > chunkSize)
        {
            return false;
        }

        ulong hash = XxHash64.Hash(ItemHeader.Key(item));
        Partition part = PartitionFor(hash);
        if (part.Lock.IsHeldByCurrentThread || !part.Lock.TryEnter())
        {
            return false;
        }

        try
        {
            int slot = part.Table.FindSlotOf(item, hash);
            if (slot < 0)
            {
                return false;
            }

            byte clock = item->Clock;
            victim = new Victim(
                IsDead(item, now),
                (item->Flags & ItemFlags.Fetched) != 0,
                clock != 0,
                item->Time,
                item->ExpiresAt);
            Unlink(part, slot, item);
            return true;
        }
        finally
        {
            part.Lock.Exit();
        }
    }

    /// <summary>memcached's lru_pull_tail accounting for a reclaimed (dead) or evicted item.</summary>
    private static void CountVictim(ref EvictionCounters counters, ref uint tailTime, in Victim victim, uint now)
    {
        if (victim.Dead)
        {
            counters.Reclaimed++;
            if (!victim.Fetched)
            {
                counters.ExpiredUnfetched++;
            }

            return;
        }

        counters.Evicted++;
        counters.EvictedTime = now - victim.Time;
        if (victim.ExpiresAt != 0)
        {
            counters.EvictedNonzero++;
        }

        if (!victim.Fetched)
        {
            counters.EvictedUnfetched++;
        }

        if (victim.Active)
        {
            counters.EvictedActive++;
        }

        tailTime = victim.Time;
    }
}
