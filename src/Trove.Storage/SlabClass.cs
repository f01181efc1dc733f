namespace Trove.Storage;

/// <summary>Eviction-side figures of a slab class or of the large-item arena; written under its lock.</summary>
internal struct EvictionCounters
{
    public long Evicted;
    public long EvictedNonzero;
    public long EvictedUnfetched;
    public long EvictedActive;
    public uint EvictedTime;
    public long Reclaimed;
    public long ExpiredUnfetched;
    public long OutOfMemory;
}

/// <summary>
/// The chunks of one size: the pages the class owns, a doubly linked free list threaded through free chunks,
/// lazy carving of the newest page (untouched memory stays out of RSS), and the CLOCK hand.
/// Every member requires <see cref="Lock"/>, which also guarantees that no chunk of the class changes identity
/// (is freed or reallocated) while it is held.
/// </summary>
internal sealed unsafe class SlabClass : IClockRing
{
    private nint[] _pages = new nint[4];
    private int _carvePage = -1;
    private int _carved;
    private byte* _freeHead;
    private int _handPage;
    private int _handChunk;

    public SlabClass(int id, int chunkSize)
    {
        Id = id;
        ChunkSize = chunkSize;
        ChunksPerPage = SlabClassTable.PageSize / chunkSize;
    }

    public Lock Lock { get; } = new();
    public int Id { get; }
    public int ChunkSize { get; }
    public int ChunksPerPage { get; }
    public int PageCount { get; private set; }
    public long FreeListLength { get; private set; }
    /// <summary>Chunks allocated (linked or in flight).</summary>
    public long UsedChunks { get; private set; }
    /// <summary>Engine time of the last access of the items this class most recently gave up (its "LRU tail").</summary>
    public uint TailTime { get; set; }
    private EvictionCounters _counters;

    public ref EvictionCounters Counters => ref _counters;

    public long TotalChunks => (long)PageCount * ChunksPerPage;

    public nint PageAt(int index) => _pages[index];

    public int CarvedChunks(int pageIndex) => pageIndex == _carvePage ? _carved : ChunksPerPage;

    public ItemHeader* ChunkAt(int pageIndex, int chunkIndex) => (ItemHeader*)((byte*)_pages[pageIndex] + (nint)chunkIndex * ChunkSize);

    /// <summary>A free chunk marked in flight, or null when the class must grow or evict.</summary>
    public ItemHeader* TryAllocate()
    {
        ItemHeader* chunk;
        if (_freeHead != null)
        {
            chunk = (ItemHeader*)_freeHead;
            UnlinkFree(chunk);
        }
        else if (_carvePage >= 0 && _carved < ChunksPerPage)
        {
            chunk = ChunkAt(_carvePage, _carved++);
        }
        else
        {
            return null;
        }

        chunk->Flags = ItemFlags.None;
        chunk->Clock = 0;
        chunk->SlabClass = (byte)Id;
        UsedChunks++;
        return chunk;
    }

    /// <summary>A chunk from the free list only (never carved from a page), marked in flight; null if the list is empty.</summary>
    public ItemHeader* TryPopFree()
    {
        if (_freeHead == null)
        {
            return null;
        }

        var chunk = (ItemHeader*)_freeHead;
        UnlinkFree(chunk);
        chunk->Flags = ItemFlags.None;
        UsedChunks++;
        return chunk;
    }

    /// <summary>Returns an unlinked chunk to the free list.</summary>
    public void Free(ItemHeader* chunk)
    {
        UsedChunks--;
        PushFree(chunk);
    }

    /// <summary>Marks a chunk free without listing it (its page is being emptied).</summary>
    public void FreeDetached(ItemHeader* chunk)
    {
        UsedChunks--;
        chunk->Flags = ItemFlags.Free;
    }

    /// <summary>Whether a new page can be added now: only the newest page may be partly carved.</summary>
    public bool CanAddPage => _carvePage < 0 || _carved == ChunksPerPage;

    public void AddPage(nint page, uint now)
    {
        if (PageCount == _pages.Length)
        {
            Array.Resize(ref _pages, _pages.Length * 2);
        }

        if (PageCount == 0)
        {
            TailTime = now;
        }

        _pages[PageCount] = page;
        _carvePage = PageCount;
        _carved = 0;
        PageCount++;
    }

    /// <summary>Detaches a page whose chunks are all free and off the free list.</summary>
    public nint RemovePageAt(int index)
    {
        nint page = _pages[index];
        int last = PageCount - 1;
        _pages[index] = _pages[last];
        _pages[last] = 0;
        PageCount = last;
        if (_carvePage == index)
        {
            _carvePage = -1;
            _carved = 0;
        }
        else if (_carvePage == last)
        {
            _carvePage = index;
        }

        if (_handPage >= PageCount)
        {
            _handPage = 0;
            _handChunk = 0;
        }

        return page;
    }

    /// <summary>Removes a free chunk from the free list (its Free flag stays).</summary>
    public void UnlinkFree(ItemHeader* chunk)
    {
        var links = (byte**)chunk;
        byte* next = links[0];
        byte* previous = links[1];
        if (previous != null)
        {
            ((byte**)previous)[0] = next;
        }
        else
        {
            _freeHead = next;
        }

        if (next != null)
        {
            ((byte**)next)[1] = previous;
        }

        FreeListLength--;
    }

    /// <summary>Lists a chunk that carries the Free flag but is off the list.</summary>
    public void RelistFree(ItemHeader* chunk) => PushFree(chunk);

    /// <summary>The chunk under the CLOCK hand, advancing the hand; null when the class has no carved chunk.</summary>
    public ItemHeader* AdvanceHand()
    {
        for (int pagesTried = 0; pagesTried <= PageCount; pagesTried++)
        {
            if (_handPage >= PageCount)
            {
                _handPage = 0;
                _handChunk = 0;
                if (PageCount == 0)
                {
                    return null;
                }
            }

            if (_handChunk < CarvedChunks(_handPage))
            {
                return ChunkAt(_handPage, _handChunk++);
            }

            _handPage++;
            _handChunk = 0;
        }

        return null;
    }

    /// <summary>The page just ahead of the hand: the one CLOCK would reach soonest after the current one.</summary>
    public int PageAheadOfHand(int distance) => PageCount == 0 ? -1 : (_handPage + 1 + distance) % PageCount;

    /// <summary>Forgets every page (engine disposal or reset); returns them for the caller to release.</summary>
    public nint[] TakeAllPages()
    {
        nint[] pages = _pages.AsSpan(0, PageCount).ToArray();
        Array.Clear(_pages);
        PageCount = 0;
        _carvePage = -1;
        _carved = 0;
        _freeHead = null;
        FreeListLength = 0;
        UsedChunks = 0;
        _handPage = 0;
        _handChunk = 0;
        return pages;
    }

    private void PushFree(ItemHeader* chunk)
    {
        chunk->Flags = ItemFlags.Free;
        var links = (byte**)chunk;
        links[0] = _freeHead;
        links[1] = null;
        if (_freeHead != null)
        {
            ((byte**)_freeHead)[1] = (byte*)chunk;
        }

        _freeHead = (byte*)chunk;
        FreeListLength++;
    }
}
