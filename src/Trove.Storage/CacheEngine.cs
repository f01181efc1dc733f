namespace Trove.Storage;

/// <summary>
/// The in-memory item store: items live in native slab pages, indexed by a fixed set of partitions that are also
/// the lock stripes. Every method is thread safe; none throws on a miss or on bad input.
/// See docs/STORAGE.md for the memory layout, hashing, locking and eviction design.
/// </summary>
/// <remarks>
/// Lock order: partition → slab class (or large arena) → page pool. A thread holding a class or arena lock may
/// only <em>try</em> to enter a partition lock (eviction, page moves), so the order can never deadlock.
/// No method allocates item memory while holding a partition lock.
/// </remarks>
public sealed unsafe partial class CacheEngine : IDisposable
{
    /// <summary>Engine time when the engine starts: memcached starts current_time at ITEM_UPDATE_INTERVAL + 2.</summary>
    public const uint StartTime = 62;
    /// <summary>Longest key memcached accepts: the default of <see cref="EngineOptions.MaxKeyLength"/>.</summary>
    public const int KeyMaxLength = 250;
    /// <summary>memcached REALTIME_MAXDELTA: exptimes up to 30 days are relative, larger ones are Unix times.</summary>
    private const long RealtimeMaxDelta = 60 * 60 * 24 * 30;
    /// <summary>memcached ITEM_UPDATE_INTERVAL: an item's access time is refreshed at most this often by updates.</summary>
    private const uint ItemUpdateInterval = 60;

    private readonly SlabClassTable _classTable;
    private readonly SlabClass[] _classes;
    private readonly LargeArena _large = new();
    private readonly PagePool _pages;
    private readonly Partition[] _partitions;
    private readonly int _partitionBits;
    private readonly long _startTimestamp;
    private readonly long _processStarted;
    private readonly CasCounter _cas = new();
    private uint _oldestLive;
    private ulong _oldestCas;
    private int _disposed;
    /// <summary><see cref="EngineOptions.EvictionDisabled"/>, fixed for the engine's life.</summary>
    private readonly bool _evictionDisabled;
    /// <summary><see cref="EngineOptions.MaxKeyLength"/>, fixed for the engine's life: longer keys never match anything and are never stored.</summary>
    private readonly int _maxKeyLength;
    /// <summary><see cref="ItemHeader.LocationBytes"/> with <see cref="EngineOptions.ValuesOnDisk"/>, else 0; fixed for the engine's life.</summary>
    private readonly int _locationBytes;

    /// <summary>Creates an engine; throws <see cref="ArgumentOutOfRangeException"/> for invalid options.</summary>
    public CacheEngine(EngineOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.PartitionCount < 1 || options.PartitionCount > 1 << 16 || !int.IsPow2(options.PartitionCount))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PartitionCount, "PartitionCount must be a power of two from 1 to 65536.");
        }

        if (options.MaxItemSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxItemSize, "MaxItemSize must be at least 1024 bytes.");
        }

        if (options.MaxKeyLength < 1 || options.MaxKeyLength > ItemHeader.MaxKeyLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxKeyLength, "MaxKeyLength must be from 1 to 65535.");
        }

        if (options.MemoryLimitBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MemoryLimitBytes, "MemoryLimitBytes must not be negative.");
        }

        Options = options;
        Time = time;
        _evictionDisabled = options.EvictionDisabled;
        _maxKeyLength = options.MaxKeyLength;
        _locationBytes = options.ValuesOnDisk ? ItemHeader.LocationBytes : 0;
        _classTable = new SlabClassTable(options.GrowthFactor);
        _classes = new SlabClass[_classTable.LargestId + 1];
        for (int id = 1; id <= _classTable.LargestId; id++)
        {
            _classes[id] = new SlabClass(id, _classTable.ChunkSize(id));
        }

        _pages = new PagePool(EffectiveLimit(options.MemoryLimitBytes));
        _partitionBits = int.Log2(options.PartitionCount);
        _partitions = new Partition[options.PartitionCount];
        for (int i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = new Partition(i, _classes.Length);
        }

        _startTimestamp = time.GetTimestamp();
        _processStarted = time.GetUtcNow().ToUnixTimeSeconds() - StartTime;
        _crawlOldest = new uint[_classes.Length];
        Array.Fill(_crawlOldest, uint.MaxValue);
        _classOldest = new uint[_classes.Length];
    }

    public EngineOptions Options { get; }
    public TimeProvider Time { get; }

    /// <summary>Engine time now, in whole seconds (memcached's current_time): <see cref="StartTime"/> plus seconds since construction.</summary>
    public uint Now => StartTime + (uint)(Time.GetElapsedTime(_startTimestamp).Ticks / TimeSpan.TicksPerSecond);

    /// <summary>Converts a protocol exptime (0 never, up to 30 days relative, else Unix time, negative = expired) to an engine time.</summary>
    /// <remarks>memcached's realtime(EXPTIME_TO_POSITIVE_TIME(exptime)), including its 32-bit truncation of far Unix times.</remarks>
    public uint ToExpiry(long exptime) => ExpiryAt(exptime, Now);

    /// <summary>Whether an item with these lengths and no client flags fits under the maximum item size (memcached's item_size_ok).</summary>
    public bool ItemFits(int keyLength, long valueLength) => ItemFits(keyLength, valueLength, 0);

    /// <summary>Whether an item fits under the maximum item size, counted as memcached counts it (4 more bytes when flags are non-zero).</summary>
    public bool ItemFits(int keyLength, long valueLength, uint flags)
        => keyLength >= 0 && keyLength <= _maxKeyLength && valueLength >= 0
           && ItemHeader.MemcachedSize(keyLength, valueLength, flags) <= Options.MaxItemSize;

    /// <summary>The partition a key belongs to: the top log2(PartitionCount) bits of XXH64(key, seed 0).</summary>
    public int PartitionOf(ReadOnlySpan<byte> key) => PartitionIndex(XxHash64.Hash(key));

    /// <summary>flush_all: items last updated before <paramref name="at"/> become invalid once engine time reaches at - 1 (memcached oldest_live).</summary>
    /// <remarks>Pass <see cref="Now"/> for no delay (or a delay of 0 or less) and <see cref="ToExpiry"/>(delay) otherwise; 0 is taken as now.</remarks>
    public void FlushAll(uint at)
    {
        uint now = Now;
        if (at == 0)
        {
            at = now;
        }

        uint oldestLive = at - 1;
        Volatile.Write(ref _oldestLive, oldestLive);
        if (oldestLive <= now)
        {
            // Like memcached: everything with a smaller CAS is flushed, even items stored within this second.
            Volatile.Write(ref _oldestCas, _cas.Next());
        }
    }

    /// <summary>cache_memlimit: changes the memory limit at run time (0 = no limit). Memory above a lowered limit is released by <see cref="RebalanceMemory"/>.</summary>
    public void SetMemoryLimit(long bytes)
    {
        if (bytes < 0)
        {
            return;
        }

        Options.MemoryLimitBytes = bytes;
        _pages.SetLimit(EffectiveLimit(bytes));
    }

    /// <summary>Frees all native memory. Call only when no other thread uses the engine.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        for (int id = 1; id < _classes.Length; id++)
        {
            SlabClass cls = _classes[id];
            using (cls.Lock.EnterScope())
            {
                foreach (nint page in cls.TakeAllPages())
                {
                    _pages.FreePage(page);
                }
            }
        }

        using (_large.Lock.EnterScope())
        {
            _pages.Release(_large.FreeAll());
        }

        _pages.Dispose();
        foreach (Partition part in _partitions)
        {
            using (part.Lock.EnterScope())
            {
                part.Dispose();
            }
        }
    }

    private static long EffectiveLimit(long bytes) => bytes == 0 ? long.MaxValue : bytes;

    private uint ExpiryAt(long exptime, uint now)
    {
        if (exptime == 0)
        {
            return 0;
        }

        if (exptime < 0)
        {
            exptime = RealtimeMaxDelta + 1;
        }

        if (exptime > RealtimeMaxDelta)
        {
            return exptime <= _processStarted ? 1 : (uint)(exptime - _processStarted);
        }

        return (uint)(exptime + now);
    }

    /// <summary>
    /// Makes every CAS this engine assigns from now on larger than <paramref name="cas"/>: a replica calls it with the
    /// CAS of each item it receives, so after a failover it never hands out a unique some client may still hold for
    /// an older version of a key.
    /// </summary>
    public void AdvanceCas(ulong cas) => _cas.AdvanceTo(cas);

    private int PartitionIndex(ulong hash) => KeyPartitioner.PartitionOfHash(hash, _partitionBits);

    private Partition PartitionFor(ulong hash) => _partitions[PartitionIndex(hash)];

    /// <summary>The global 64-bit CAS counter on its own cache lines (every store takes a value).</summary>
    private sealed class CasCounter
    {
        private PaddedLong _value;

        public ulong Next() => (ulong)Interlocked.Increment(ref _value.Value);

        public ulong Current => (ulong)Volatile.Read(ref _value.Value);

        /// <summary>Raises the counter to at least <paramref name="cas"/> (never lowers it).</summary>
        public void AdvanceTo(ulong cas)
        {
            long target = (long)Math.Min(cas, long.MaxValue);
            long seen = Volatile.Read(ref _value.Value);
            while (seen < target)
            {
                long previous = Interlocked.CompareExchange(ref _value.Value, target, seen);
                if (previous == seen)
                {
                    return;
                }
                seen = previous;
            }
        }
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [System.Runtime.InteropServices.FieldOffset(64)] public long Value;
    }
}
