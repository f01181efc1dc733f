namespace Trove.Storage;

/// <summary>
/// The chunk sizes of the slab classes, computed like memcached 1.6's slabs_init with -n 48:
/// the first class is 96 bytes (memcached's 48-byte item header plus 48), each next one is the previous
/// times the growth factor rounded up to 8, and the largest class is one whole page.
/// Using memcached's sizes with a smaller header means every item lands in a chunk no larger than memcached's.
/// </summary>
internal sealed class SlabClassTable
{
    /// <summary>Size of a slab page, and of the largest chunk (memcached -o slab_page_size, 1 MiB).</summary>
    public const int PageSize = 1 << 20;
    /// <summary>memcached's sizeof(item) (48) plus its default -n 48.</summary>
    public const int FirstChunkSize = 96;
    /// <summary>Class id stored in the header of items too large for a page; they get a dedicated allocation.</summary>
    public const byte LargeClassId = 0;
    /// <summary>memcached MAX_NUMBER_OF_SLAB_CLASSES - 1: class ids are 1..63.</summary>
    public const int MaxClasses = 63;
    private const int ChunkAlign = 8;

    private readonly int[] _sizes;

    public SlabClassTable(double growthFactor)
    {
        if (!(growthFactor > 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "The growth factor must be greater than 1.");
        }

        var sizes = new List<int> { 0 };
        uint size = FirstChunkSize;
        int id = 0;
        while (++id < MaxClasses)
        {
            if (size >= PageSize / growthFactor)
            {
                break;
            }

            if (size % ChunkAlign != 0)
            {
                size += ChunkAlign - (size % ChunkAlign);
            }

            sizes.Add((int)size);
            size = (uint)(size * growthFactor);
        }

        sizes.Add(PageSize);
        _sizes = sizes.ToArray();
    }

    /// <summary>Highest class id; ids run from 1 to this.</summary>
    public int LargestId => _sizes.Length - 1;

    public int ChunkSize(int classId) => _sizes[classId];

    /// <summary>The smallest class whose chunks hold <paramref name="itemSize"/> bytes, or <see cref="LargeClassId"/> when none does.</summary>
    public int ClassFor(long itemSize)
    {
        if (itemSize > PageSize)
        {
            return LargeClassId;
        }

        int low = 1;
        int high = _sizes.Length - 1;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (_sizes[mid] < itemSize)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
