namespace Trove.Storage;

/// <summary>Item memory: allocation from slab classes and the large arena, and CLOCK eviction.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>Times an operation re-validates after allocating outside the lock before giving up.</summary>
    private const int MaxRevalidations = 16;

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
    /// a page taken from a consumer holding much older data, or else eviction within the class. With eviction
    /// disabled only dead items are reclaimed and pages move only without loss, so this returns null (counted in
    /// outofmemory) rather than remove a live item.
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

        // With eviction disabled a donor only gives a page whose live items all move within its class, so any
        // donor will do, not just one with much older data.
        nint stolen = TakePageFromDonor(cls.Id, empty || _evictionDisabled, tail, now);
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

            nint page = TakePageFromDonor(SlabClassTable.LargeClassId, empty || _evictionDisabled, tail, now);
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
}
