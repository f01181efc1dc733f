namespace Trove.Server.Memcache.Meta;

/// <summary>
/// memcached 1.6.18's accounting of an item, for the "size" and "cls" fields of me. These describe what memcached
/// would use for the item (its header, the key and its NUL, the client flags when not zero, the value with its
/// "\r\n", and the CAS), and its slab class numbering for the configured growth factor; they are reported for
/// compatibility and need not match how Trove's engine lays items out.
/// </summary>
internal static class MemcachedItemLayout
{
    private const int ItemHeader = 48;
    private const int CasSize = 8;
    private const int SmallestChunk = ItemHeader + 48;
    private const int ChunkAlign = 8;
    private const int SlabChunkMax = 512 * 1024;
    private const int MaxClasses = 64;

    private static volatile SlabSizes? _sizes;

    /// <summary>memcached's ITEM_ntotal.</summary>
    public static long TotalSize(int keyLength, int valueLength, uint clientFlags)
        => ItemHeader + CasSize + keyLength + 1L + (clientFlags != 0 ? sizeof(uint) : 0) + valueLength + 2L;

    /// <summary>memcached's slabs_clsid: the first class whose chunks hold <paramref name="totalSize"/> bytes;
    /// larger items report the largest class, as chunked items do.</summary>
    public static int SlabClass(long totalSize, double growthFactor)
    {
        SlabSizes? sizes = _sizes;
        if (sizes is null || sizes.Factor != growthFactor)
        {
            sizes = new SlabSizes(growthFactor);
            _sizes = sizes;
        }
        int[] chunkSizes = sizes.ChunkSizes;
        for (int id = 1; id < chunkSizes.Length; id++)
        {
            if (totalSize <= chunkSizes[id])
            {
                return id;
            }
        }
        return chunkSizes.Length - 1;
    }

    // memcached's slabs_init with its defaults (-n 48, 1 MiB pages): chunk sizes grow by the factor, aligned to
    // 8 bytes, until the next would pass half a page; the last class is exactly half a page. Index 0 is unused.
    private sealed class SlabSizes
    {
        public SlabSizes(double factor)
        {
            Factor = factor;
            var sizes = new List<int> { 0 };
            uint size = SmallestChunk;
            while (sizes.Count < MaxClasses - 1 && size < SlabChunkMax / factor)
            {
                if (size % ChunkAlign != 0)
                {
                    size += ChunkAlign - size % ChunkAlign;
                }
                sizes.Add((int)size);
                size = (uint)(size * factor);
            }
            sizes.Add(SlabChunkMax);
            ChunkSizes = sizes.ToArray();
        }

        public double Factor { get; }

        public int[] ChunkSizes { get; }
    }
}
