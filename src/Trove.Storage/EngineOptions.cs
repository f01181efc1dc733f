namespace Trove.Storage;

/// <summary>Settings of the storage engine.</summary>
public sealed class EngineOptions
{
    /// <summary>Bytes of item memory the engine may use. <remarks>Defaults to 64 MiB (memcached -m 64).</remarks></summary>
    public long MemoryLimitBytes { get; set; } = 64L << 20;

    /// <summary>Largest item, counted as memcached counts it (header, key, value and CAS). <remarks>Defaults to 1 MiB (memcached -I 1m).</remarks></summary>
    public int MaxItemSize { get; set; } = 1 << 20;

    /// <summary>
    /// Longest key, in bytes (1 to 65535). Above memcached's 250 only in store mode, where the meta and binary
    /// protocols carry longer keys; keys of 255 bytes or more cost two bytes more per item (docs/STORAGE.md).
    /// Read once, when the engine is built. <remarks>Defaults to 250 (memcached KEY_MAX_LENGTH).</remarks>
    /// </summary>
    public int MaxKeyLength { get; set; } = CacheEngine.KeyMaxLength;

    /// <summary>Fixed number of partitions every key maps into; a power of two. <remarks>Defaults to 1024.</remarks></summary>
    public int PartitionCount { get; set; } = 1024;

    /// <summary>Chunk size growth factor between slab classes (memcached -f). <remarks>Defaults to 1.25.</remarks></summary>
    public double GrowthFactor { get; set; } = 1.25;

    /// <summary>
    /// memcached -M: never remove a live item to make room. An allocation that would evict fails instead (the store
    /// answers out of memory and a refused set keeps the key's old value); expired and flushed items are still
    /// reclaimed, and page moves only move pages whose live items all fit elsewhere in their class. Read once, when
    /// the engine is built. <remarks>Defaults to false (evict, like memcached without -M).</remarks>
    /// </summary>
    public bool EvictionDisabled { get; set; }

    /// <summary>
    /// Store mode: every item carries the location of its latest log record, and cold items' values may leave memory
    /// (read back from the log through <see cref="CacheEngine.ValueLog"/>), so the data set may exceed the memory
    /// limit. Read once, when the engine is built. <remarks>Defaults to false.</remarks>
    /// </summary>
    public bool ValuesOnDisk { get; set; }
}
