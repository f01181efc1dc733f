namespace Trove.Server.Memcache;

/// <summary>
/// Settings clients may change at run time with admin commands (lru, slabs automove, lru_crawler, extstore, stats
/// sizes_enable, flush_all), kept so "stats settings" reports what was set, as memcached does. None of them
/// changes how Trove's engine behaves; they exist for compatibility. Writes are rare and unsynchronized beyond
/// single-field atomicity, like memcached's global settings struct.
/// </summary>
public sealed class RuntimeSettings
{
    /// <summary>memcached's oldest_live: the engine time before which flush_all invalidated items (0 = never flushed).</summary>
    public uint OldestLive { get; set; }

    public int SlabAutomove { get; set; } = 1;
    public double SlabAutomoveRatio { get; set; } = 0.8;

    public bool LruCrawlerEnabled { get; set; } = true;
    public uint LruCrawlerSleep { get; set; } = 100;
    public uint LruCrawlerToCrawl { get; set; }

    public bool LruSegmented { get; set; } = true;
    public uint HotLruPct { get; set; } = 20;
    public uint WarmLruPct { get; set; } = 40;
    public double HotMaxFactor { get; set; } = 0.2;
    public double WarmMaxFactor { get; set; } = 2.0;
    public bool TempLru { get; set; }
    public int TemporaryTtl { get; set; } = 61;

    /// <summary>"stats sizes_enable": whether the item-size histogram is kept (memcached's track_sizes).</summary>
    public bool TrackSizes { get; set; }

    /// <summary>
    /// The engine's next CAS when size tracking was switched on. memcached's histogram counts items linked since
    /// then; every link takes a new CAS, so those are the items with a CAS at least this.
    /// </summary>
    public ulong TrackSizesFromCas { get; set; }

    public uint ExtItemSize { get; set; } = 512;
    public uint ExtItemAge { get; set; } = uint.MaxValue;
    public uint ExtLowTtl { get; set; }
    public uint ExtRecacheRate { get; set; } = 2000;
    public uint ExtCompactUnder { get; set; }
    public uint ExtDropUnder { get; set; }
    public uint ExtMaxSleep { get; set; } = 1_000_000;
    public double ExtMaxFrag { get; set; } = 0.8;
    public bool ExtDropUnread { get; set; }
}
