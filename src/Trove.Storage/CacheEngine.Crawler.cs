namespace Trove.Storage;

/// <summary>The background crawler: walks the partitions incrementally and reclaims expired and flushed items.</summary>
public sealed unsafe partial class CacheEngine
{
    /// <summary>Items unlinked under one partition lock before they are freed outside it.</summary>
    private const int CrawlBatch = 64;
    /// <summary>Empty slots scanned count this fraction of an item against the budget.</summary>
    private const int SlotsPerItemOfWork = 8;

    private readonly Lock _crawlLock = new();
    /// <summary>Oldest access time seen per class in the current pass (uint.MaxValue = none yet).</summary>
    private readonly uint[] _crawlOldest;
    /// <summary>Oldest access time per class as of the last complete pass (0 = none).</summary>
    private readonly uint[] _classOldest;
    private int _crawlPartition;
    private int _crawlSlot;
    private int _crawlVersion = -1;
    private long _crawlerPasses;

    /// <summary>
    /// Checks up to <paramref name="maxItemsToCheck"/> items, continuing where the previous call stopped, and
    /// frees the expired and flushed ones (memcached's LRU crawler). Returns how many it reclaimed. A call stops
    /// early at the end of a complete pass, which also refreshes each class's oldest-item age (guiding page moves).
    /// Call it from one background task.
    /// </summary>
    public int CrawlExpired(int maxItemsToCheck)
    {
        if (maxItemsToCheck <= 0)
        {
            return 0;
        }

        using (_crawlLock.EnterScope())
        {
            uint now = Now;
            int reclaimed = 0;
            long work = 0;
            long workLimit = (long)maxItemsToCheck * SlotsPerItemOfWork;
            ItemHeader** batch = stackalloc ItemHeader*[CrawlBatch];
            bool passComplete = false;
            while (work < workLimit && !passComplete)
            {
                Partition part = _partitions[_crawlPartition];
                int count = 0;
                bool finished;
                using (part.Lock.EnterScope())
                {
                    if (part.Table.Version != _crawlVersion)
                    {
                        _crawlSlot = 0;
                        _crawlVersion = part.Table.Version;
                    }

                    int capacity = part.Table.Capacity;
                    while (_crawlSlot < capacity && work < workLimit && count < CrawlBatch)
                    {
                        ItemHeader* item = part.Table.At(_crawlSlot);
                        if (item == null)
                        {
                            work++;
                        }
                        else
                        {
                            work += SlotsPerItemOfWork;
                            part.Tally(item->SlabClass, ClassTally.CrawlerItemsChecked)++;
                            if (IsDead(item, now))
                            {
                                part.Tally(item->SlabClass, ClassTally.CrawlerReclaimed)++;
                                if ((item->Flags & ItemFlags.Fetched) == 0)
                                {
                                    part.Tally(item->SlabClass, ClassTally.CrawlerExpiredUnfetched)++;
                                }

                                Unlink(part, _crawlSlot, item);
                                batch[count++] = item;
                            }
                            else
                            {
                                // Like memcached's LRU maintainer: a still-hot item re-activates (refreshing its
                                // access time) on its next read, so access times keep tracking recency.
                                item->Clock &= unchecked((byte)~ItemHeader.ClockActive);
                                if (item->Time < _crawlOldest[item->SlabClass])
                                {
                                    _crawlOldest[item->SlabClass] = item->Time;
                                }
                            }
                        }

                        _crawlSlot++;
                    }

                    finished = _crawlSlot >= capacity;
                }

                for (int i = 0; i < count; i++)
                {
                    FreeItem(batch[i]);
                }

                reclaimed += count;
                if (finished)
                {
                    _crawlSlot = 0;
                    _crawlVersion = -1;
                    _crawlPartition++;
                    if (_crawlPartition == _partitions.Length)
                    {
                        _crawlPartition = 0;
                        CompletePass(now);
                        passComplete = true;
                    }
                }
            }

            return reclaimed;
        }
    }

    /// <summary>Publishes the oldest access time per class found by the finished pass. Caller holds the crawl lock.</summary>
    private void CompletePass(uint now)
    {
        _crawlerPasses++;
        for (int id = 0; id < _crawlOldest.Length; id++)
        {
            uint oldest = _crawlOldest[id];
            Volatile.Write(ref _classOldest[id], oldest == uint.MaxValue ? 0 : oldest);
            _crawlOldest[id] = uint.MaxValue;
            uint tail = oldest == uint.MaxValue ? now : oldest;
            if (id == SlabClassTable.LargeClassId)
            {
                using (_large.Lock.EnterScope())
                {
                    _large.TailTime = tail;
                }
            }
            else
            {
                SlabClass cls = _classes[id];
                using (cls.Lock.EnterScope())
                {
                    cls.TailTime = tail;
                }
            }
        }
    }
}
