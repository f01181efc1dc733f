using System.Runtime.InteropServices;

namespace Trove.Storage;

/// <summary>
/// Items larger than a slab page, each in its own native allocation: an 8-byte prefix holding the item's index in
/// the arena's list (for O(1) removal) and the allocation size, then the item. The list doubles as the CLOCK ring for eviction.
/// Every member requires <see cref="Lock"/>; while it is held no large item is freed.
/// </summary>
internal sealed unsafe class LargeArena : IClockRing
{
    private const int PrefixSize = 8;
    private nint[] _items = new nint[16];
    private int _hand;

    public Lock Lock { get; } = new();
    public int Count { get; private set; }
    /// <summary>Bytes allocated for large items (counted in the budget).</summary>
    public long Bytes { get; private set; }
    public uint TailTime { get; set; }
    public ref EvictionCounters Counters => ref _counters;

    /// <summary>Large items are whole allocations: any key length is readable.</summary>
    public int ChunkSize => int.MaxValue;
    private EvictionCounters _counters;

    public static long AllocationSize(int itemSize) => itemSize + (long)PrefixSize;

    /// <summary>Allocates and registers an in-flight item; the caller has reserved <see cref="AllocationSize"/> bytes.</summary>
    public ItemHeader* Allocate(int itemSize, uint now)
    {
        long size = AllocationSize(itemSize);
        byte* block = (byte*)NativeMemory.Alloc((nuint)size);
        if (!ItemTable.CanHold(block, size))
        {
            NativeMemory.Free(block);
            return null;
        }

        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        if (Count == 0)
        {
            TailTime = now;
        }

        var item = (ItemHeader*)(block + PrefixSize);
        ((int*)block)[0] = Count;
        ((int*)block)[1] = itemSize;
        _items[Count++] = (nint)item;
        Bytes += size;
        item->Flags = ItemFlags.None;
        item->Clock = 0;
        item->SlabClass = SlabClassTable.LargeClassId;
        return item;
    }

    /// <summary>Unregisters and frees an unlinked item; returns the bytes to give back to the budget.</summary>
    public long Free(ItemHeader* item)
    {
        byte* block = (byte*)item - PrefixSize;
        int index = ((int*)block)[0];
        long size = AllocationSize(((int*)block)[1]);
        int last = Count - 1;
        var moved = (ItemHeader*)_items[last];
        _items[index] = (nint)moved;
        *(int*)((byte*)moved - PrefixSize) = index;
        _items[last] = 0;
        Count = last;
        Bytes -= size;
        NativeMemory.Free(block);
        return size;
    }

    /// <summary>The item under the CLOCK hand, advancing it; null when the arena is empty.</summary>
    public ItemHeader* AdvanceHand()
    {
        if (Count == 0)
        {
            return null;
        }

        if (_hand >= Count)
        {
            _hand = 0;
        }

        return (ItemHeader*)_items[_hand++];
    }

    /// <summary>Frees every item (engine disposal); returns the bytes released.</summary>
    public long FreeAll()
    {
        long bytes = Bytes;
        for (int i = 0; i < Count; i++)
        {
            NativeMemory.Free((byte*)_items[i] - PrefixSize);
            _items[i] = 0;
        }

        Count = 0;
        Bytes = 0;
        return bytes;
    }
}
