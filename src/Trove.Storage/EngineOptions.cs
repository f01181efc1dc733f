namespace Trove.Storage;

/// <summary>Settings of the storage engine.</summary>
public sealed class EngineOptions
{
    /// <summary>Bytes of item memory the engine may use. <remarks>Defaults to 64 MiB (memcached -m 64).</remarks></summary>
    public long MemoryLimitBytes { get; set; } = 64L << 20;

    /// <summary>Largest item, counted as memcached counts it (header, key, value and CAS). <remarks>Defaults to 1 MiB (memcached -I 1m).</remarks></summary>
    public int MaxItemSize { get; set; } = 1 << 20;

    /// <summary>Fixed number of partitions every key maps into; a power of two. <remarks>Defaults to 1024.</remarks></summary>
    public int PartitionCount { get; set; } = 1024;

    /// <summary>Chunk size growth factor between slab classes (memcached -f). <remarks>Defaults to 1.25.</remarks></summary>
    public double GrowthFactor { get; set; } = 1.25;
}
