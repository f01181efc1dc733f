namespace Trove.Server.Memcache.Stats;

/// <summary>
/// The chunk size of every slab class, as Trove's engine computes them (docs/STORAGE.md): memcached's slabs_init with
/// -n 48 — 96 bytes first, each next the previous times the growth factor rounded up to 8, the last one a whole
/// 1 MiB page. The engine reports only classes in use; this table answers for all of them (class ids in admin
/// commands, the class of an item in dumps).
/// </summary>
internal sealed class SlabClassSizes
{
    private const int PageSize = 1 << 20;
    private const int FirstChunkSize = 96;
    private const int MaxClasses = 63;
    private const int Align = 8;

    private readonly int[] _sizes;

    public SlabClassSizes(double growthFactor)
    {
        var sizes = new List<int> { 0 };
        double factor = growthFactor > 1.0 ? growthFactor : 1.25;
        uint size = FirstChunkSize;
        while (sizes.Count < MaxClasses && size < PageSize / factor)
        {
            if (size % Align != 0)
            {
                size += Align - (size % Align);
            }
            sizes.Add((int)size);
            size = (uint)(size * factor);
        }
        sizes.Add(PageSize);
        _sizes = sizes.ToArray();
    }

    /// <summary>Highest class id (memcached's power_largest).</summary>
    public int Largest => _sizes.Length - 1;

    public int ChunkSize(int classId) => _sizes[classId];

    /// <summary>The smallest class whose chunks hold <paramref name="size"/> bytes (the largest class for bigger items).</summary>
    public int ClassFor(long size)
    {
        for (int id = 1; id < _sizes.Length; id++)
        {
            if (_sizes[id] >= size)
            {
                return id;
            }
        }
        return Largest;
    }

    /// <summary>memcached's ITEM_ntotal: 48-byte header, key and its NUL, flags when non-zero, value and CRLF, CAS.</summary>
    public static long ItemTotal(int keyLength, int valueLength, uint flags) => 48 + keyLength + 1 + (flags != 0 ? 4 : 0) + valueLength + 2 + 8;
}
