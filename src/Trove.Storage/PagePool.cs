using System.Runtime.InteropServices;

namespace Trove.Storage;

/// <summary>
/// The memory budget: every slab page and every large-item allocation is counted against the limit here.
/// Pages taken from a class are kept in a pool for reuse (memcached's global page pool) and released to the
/// operating system only when a large item needs the budget or the limit shrinks.
/// Lock order: this lock is the innermost; nothing else is acquired while holding it.
/// </summary>
internal sealed unsafe class PagePool : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Stack<nint> _pool = new();
    private long _limit;
    private long _malloced;

    public PagePool(long limit) => _limit = limit;

    public long Limit => Volatile.Read(ref _limit);

    /// <summary>Bytes allocated from the system for pages (in a class or pooled) and large items.</summary>
    public long Malloced => Volatile.Read(ref _malloced);

    /// <summary>Pages waiting in the pool (memcached slab_global_page_pool).</summary>
    public int PooledPages
    {
        get
        {
            lock (_lock)
            {
                return _pool.Count;
            }
        }
    }

    /// <summary>A page from the pool, or a new one while the budget allows (always when <paramref name="overLimit"/>); 0 if none.</summary>
    public nint TryTake(bool overLimit = false)
    {
        lock (_lock)
        {
            if (_pool.Count > 0)
            {
                return _pool.Pop();
            }

            if (!overLimit && _malloced + SlabClassTable.PageSize > _limit)
            {
                return 0;
            }

            void* page = NativeMemory.Alloc(SlabClassTable.PageSize);
            if (!ItemTable.CanHold(page, SlabClassTable.PageSize))
            {
                NativeMemory.Free(page);
                return 0;
            }

            _malloced += SlabClassTable.PageSize;
            return (nint)page;
        }
    }

    /// <summary>Takes back a page that no class uses any more.</summary>
    public void Return(nint page)
    {
        lock (_lock)
        {
            if (_malloced > _limit)
            {
                NativeMemory.Free((void*)page);
                _malloced -= SlabClassTable.PageSize;
            }
            else
            {
                _pool.Push(page);
            }
        }
    }

    /// <summary>Counts <paramref name="bytes"/> against the budget if they fit, releasing pooled pages to make room.</summary>
    public bool TryReserve(long bytes)
    {
        lock (_lock)
        {
            while (_malloced + bytes > _limit && _pool.Count > 0)
            {
                NativeMemory.Free((void*)_pool.Pop());
                _malloced -= SlabClassTable.PageSize;
            }

            if (_malloced + bytes > _limit)
            {
                return false;
            }

            _malloced += bytes;
            return true;
        }
    }

    public void Release(long bytes)
    {
        lock (_lock)
        {
            _malloced -= bytes;
        }
    }

    /// <summary>Changes the limit; pooled pages above it are released at once, the rest by the maintenance task.</summary>
    public void SetLimit(long limit)
    {
        lock (_lock)
        {
            _limit = limit;
            while (_malloced > _limit && _pool.Count > 0)
            {
                NativeMemory.Free((void*)_pool.Pop());
                _malloced -= SlabClassTable.PageSize;
            }
        }
    }

    /// <summary>Frees a page that was counted in the budget straight back to the system.</summary>
    public void FreePage(nint page)
    {
        NativeMemory.Free((void*)page);
        Release(SlabClassTable.PageSize);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            while (_pool.Count > 0)
            {
                NativeMemory.Free((void*)_pool.Pop());
                _malloced -= SlabClassTable.PageSize;
            }
        }
    }
}
