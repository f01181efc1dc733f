namespace Trove.Storage;

/// <summary>Stats snapshot and reset. Counters are summed from the partitions and classes without stopping traffic.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>A snapshot of every counter (stats, stats slabs, stats items). Values are read without locks and may be a moment apart.</summary>
    public EngineStats GetStats()
    {
        uint now = Now;
        PartitionCounters total = default;
        long hashSlots = 0;
        long[,] tallies = new long[_classes.Length, (int)ClassTally.Count];
        foreach (Partition part in _partitions)
        {
            ref readonly PartitionCounters c = ref part.Counters;
            total.CurrItems += Volatile.Read(in c.CurrItems);
            total.Bytes += Volatile.Read(in c.Bytes);
            total.TotalItems += Volatile.Read(in c.TotalItems);
            total.GetMisses += Volatile.Read(in c.GetMisses);
            total.GetExpired += Volatile.Read(in c.GetExpired);
            total.GetFlushed += Volatile.Read(in c.GetFlushed);
            total.DeleteMisses += Volatile.Read(in c.DeleteMisses);
            total.IncrMisses += Volatile.Read(in c.IncrMisses);
            total.DecrMisses += Volatile.Read(in c.DecrMisses);
            total.CasMisses += Volatile.Read(in c.CasMisses);
            total.TouchMisses += Volatile.Read(in c.TouchMisses);
            hashSlots += part.Table.Capacity;
            for (int id = 0; id < _classes.Length; id++)
            {
                for (int t = 0; t < (int)ClassTally.Count; t++)
                {
                    tallies[id, t] += part.ReadTally(id, (ClassTally)t);
                }
            }
        }

        var classes = new List<SlabClassStats>();
        EvictionCounters evictions = default;
        int activeSlabs = 0;
        for (int id = 1; id < _classes.Length; id++)
        {
            SlabClass cls = _classes[id];
            SlabClassStats stats;
            using (cls.Lock.EnterScope())
            {
                if (cls.PageCount == 0 && tallies[id, (int)ClassTally.Items] == 0 && !HasStatistics(tallies, id) && cls.Counters.Equals(default(EvictionCounters)))
                {
                    continue;
                }

                activeSlabs += cls.PageCount > 0 ? 1 : 0;
                Add(ref evictions, cls.Counters);
                stats = ClassStats(id, false, cls.ChunkSize, cls.ChunksPerPage, cls.PageCount, cls.TotalChunks, cls.UsedChunks, cls.TailTime, cls.Counters, tallies, now);
            }

            classes.Add(stats);
        }

        using (_large.Lock.EnterScope())
        {
            Add(ref evictions, _large.Counters);
            if (_large.Count > 0 || HasStatistics(tallies, SlabClassTable.LargeClassId) || !_large.Counters.Equals(default(EvictionCounters)))
            {
                long pages = (_large.Bytes + SlabClassTable.PageSize - 1) / SlabClassTable.PageSize;
                classes.Add(ClassStats(_classes.Length, true, 0, 1, pages, _large.Count, _large.Count, _large.TailTime, _large.Counters, tallies, now, SlabClassTable.LargeClassId));
            }
        }

        long Sum(ClassTally which)
        {
            long sum = 0;
            for (int id = 0; id < _classes.Length; id++)
            {
                sum += tallies[id, (int)which];
            }

            return sum;
        }

        return new EngineStats
        {
            CurrItems = total.CurrItems,
            TotalItems = total.TotalItems,
            Bytes = total.Bytes,
            LimitMaxBytes = Options.MemoryLimitBytes,
            Evictions = evictions.Evicted,
            Reclaimed = evictions.Reclaimed,
            ExpiredUnfetched = evictions.ExpiredUnfetched + Sum(ClassTally.CrawlerExpiredUnfetched),
            EvictedUnfetched = evictions.EvictedUnfetched,
            EvictedActive = evictions.EvictedActive,
            GetHits = Sum(ClassTally.GetHits),
            GetMisses = total.GetMisses,
            GetExpired = total.GetExpired,
            GetFlushed = total.GetFlushed,
            DeleteHits = Sum(ClassTally.DeleteHits),
            DeleteMisses = total.DeleteMisses,
            IncrHits = Sum(ClassTally.IncrHits),
            IncrMisses = total.IncrMisses,
            DecrHits = Sum(ClassTally.DecrHits),
            DecrMisses = total.DecrMisses,
            CasHits = Sum(ClassTally.CasHits),
            CasMisses = total.CasMisses,
            CasBadval = Sum(ClassTally.CasBadval),
            TouchHits = Sum(ClassTally.TouchHits),
            TouchMisses = total.TouchMisses,
            CmdSet = Sum(ClassTally.CmdSet),
            CrawlerReclaimed = Sum(ClassTally.CrawlerReclaimed),
            CrawlerItemsChecked = Sum(ClassTally.CrawlerItemsChecked),
            CrawlerPasses = Volatile.Read(ref _crawlerPasses),
            OutOfMemory = evictions.OutOfMemory,
            HashPowerLevel = hashSlots <= 1 ? 0 : (int)long.Log2(hashSlots),
            HashBytes = hashSlots * sizeof(ulong),
            TotalMalloced = _pages.Malloced,
            GlobalPagePool = _pages.PooledPages,
            ActiveSlabs = activeSlabs,
            SlabsMoved = Volatile.Read(ref _slabsMoved),
            SlabReassignRescues = Volatile.Read(ref _slabReassignRescues),
            SlabReassignEvictions = Volatile.Read(ref _slabReassignEvictions),
            NextCas = _cas.Current + 1,
            Classes = classes,
        };
    }

    /// <summary>stats reset: clears the statistics (hits, misses, evictions, ...) but not the item counts.</summary>
    public void ResetStats()
    {
        foreach (Partition part in _partitions)
        {
            using (part.Lock.EnterScope())
            {
                part.ResetStatistics();
            }
        }

        for (int id = 1; id < _classes.Length; id++)
        {
            SlabClass cls = _classes[id];
            using (cls.Lock.EnterScope())
            {
                cls.Counters = default;
            }
        }

        using (_large.Lock.EnterScope())
        {
            _large.Counters = default;
        }

        Interlocked.Exchange(ref _slabsMoved, 0);
        Interlocked.Exchange(ref _slabReassignRescues, 0);
        Interlocked.Exchange(ref _slabReassignEvictions, 0);
    }

    private SlabClassStats ClassStats(int id, bool isLarge, int chunkSize, int chunksPerPage, long pages, long totalChunks, long usedChunks, uint tailTime, in EvictionCounters counters, long[,] tallies, uint now, int tallyId = -1)
    {
        if (tallyId < 0)
        {
            tallyId = id;
        }

        long T(ClassTally which) => tallies[tallyId, (int)which];
        long number = T(ClassTally.Items);
        uint oldest = Volatile.Read(ref _classOldest[tallyId]);
        uint ageFrom = oldest != 0 && oldest < tailTime ? oldest : tailTime;
        return new SlabClassStats
        {
            Id = id,
            IsLarge = isLarge,
            ChunkSize = chunkSize,
            ChunksPerPage = chunksPerPage,
            TotalPages = pages,
            TotalChunks = totalChunks,
            UsedChunks = usedChunks,
            FreeChunks = totalChunks - usedChunks,
            MemRequested = T(ClassTally.RequestedBytes),
            GetHits = T(ClassTally.GetHits),
            CmdSet = T(ClassTally.CmdSet),
            DeleteHits = T(ClassTally.DeleteHits),
            IncrHits = T(ClassTally.IncrHits),
            DecrHits = T(ClassTally.DecrHits),
            CasHits = T(ClassTally.CasHits),
            CasBadval = T(ClassTally.CasBadval),
            TouchHits = T(ClassTally.TouchHits),
            Number = number,
            AgeSeconds = number > 0 && ageFrom <= now ? now - ageFrom : 0,
            Evicted = counters.Evicted,
            EvictedNonzero = counters.EvictedNonzero,
            EvictedTime = counters.EvictedTime,
            OutOfMemory = counters.OutOfMemory,
            Reclaimed = counters.Reclaimed,
            ExpiredUnfetched = counters.ExpiredUnfetched + T(ClassTally.CrawlerExpiredUnfetched),
            EvictedUnfetched = counters.EvictedUnfetched,
            EvictedActive = counters.EvictedActive,
            CrawlerReclaimed = T(ClassTally.CrawlerReclaimed),
            CrawlerItemsChecked = T(ClassTally.CrawlerItemsChecked),
        };
    }

    private static bool HasStatistics(long[,] tallies, int id)
    {
        for (int t = (int)ClassTally.GetHits; t < (int)ClassTally.Count; t++)
        {
            if (tallies[id, t] != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static void Add(ref EvictionCounters total, in EvictionCounters c)
    {
        total.Evicted += c.Evicted;
        total.EvictedNonzero += c.EvictedNonzero;
        total.EvictedUnfetched += c.EvictedUnfetched;
        total.EvictedActive += c.EvictedActive;
        total.Reclaimed += c.Reclaimed;
        total.ExpiredUnfetched += c.ExpiredUnfetched;
        total.OutOfMemory += c.OutOfMemory;
    }
}
