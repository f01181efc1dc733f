using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trove.Storage;

/// <summary>
/// One partition's hash index: open addressing with linear probing in a native array of 8-byte slots.
/// A slot holds the item address in its low 48 bits and a 16-bit tag (bits 32..47 of the key hash) in its high
/// bits, so most non-matching probes never touch the item. Removal leaves a tombstone, which keeps every other
/// entry in place (enumeration by slot index is stable until the next rebuild, counted by <see cref="Version"/>).
/// Not thread safe: the caller holds the owning partition's lock.
/// </summary>
internal unsafe struct ItemTable
{
    public const int InitialCapacity = 16;
    private const ulong Tombstone = 1;
    private const ulong AddressMask = (1UL << 48) - 1;

    private ulong* _slots;
    private int _mask;
    private int _count;
    private int _tombstones;

    /// <summary>Incremented whenever slots move (rebuild or reset).</summary>
    public int Version;

    public readonly int Count => _count;
    public readonly int Capacity => _mask + 1;
    public readonly long Bytes => (long)(_mask + 1) * sizeof(ulong);

    /// <summary>True when an item address can be stored in a slot (user-space addresses below 2^48).</summary>
    public static bool CanHold(void* address, long length) => ((ulong)address + (ulong)length) >> 48 == 0;

    public void Initialize(int capacity)
    {
        _slots = (ulong*)NativeMemory.AllocZeroed((nuint)capacity, sizeof(ulong));
        _mask = capacity - 1;
        _count = 0;
        _tombstones = 0;
        Version++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong TagOf(ulong hash) => (hash >> 32) & 0xFFFF;

    public readonly ItemHeader* Find(ReadOnlySpan<byte> key, ulong hash, out int slot)
    {
        ulong tag = TagOf(hash);
        int index = (int)((uint)hash & (uint)_mask);
        while (true)
        {
            ulong entry = _slots[index];
            if (entry == 0)
            {
                slot = -1;
                return null;
            }

            if (entry >> 48 == tag && entry != Tombstone)
            {
                var item = (ItemHeader*)(entry & AddressMask);
                if (item->KeyLength == key.Length && ItemHeader.Key(item).SequenceEqual(key))
                {
                    slot = index;
                    return item;
                }
            }

            index = (index + 1) & _mask;
        }
    }

    /// <summary>The slot that holds exactly this item (by address), or -1. Used to re-validate eviction victims.</summary>
    public readonly int FindSlotOf(ItemHeader* item, ulong hash)
    {
        ulong wanted = (TagOf(hash) << 48) | (ulong)item;
        int index = (int)((uint)hash & (uint)_mask);
        while (true)
        {
            ulong entry = _slots[index];
            if (entry == wanted)
            {
                return index;
            }

            if (entry == 0)
            {
                return -1;
            }

            index = (index + 1) & _mask;
        }
    }

    /// <summary>The item in a slot, or null for an empty or deleted slot (for enumeration).</summary>
    public readonly ItemHeader* At(int slot)
    {
        ulong entry = _slots[slot];
        return entry <= Tombstone ? null : (ItemHeader*)(entry & AddressMask);
    }

    /// <summary>Adds an item whose key is known to be absent. May rebuild the table (slot indices change).</summary>
    public void Insert(ItemHeader* item, ulong hash)
    {
        if ((_count + _tombstones + 1) * 4L > Capacity * 3L)
        {
            Rebuild(_count + 1);
        }

        int index = (int)((uint)hash & (uint)_mask);
        while (_slots[index] > Tombstone)
        {
            index = (index + 1) & _mask;
        }

        if (_slots[index] == Tombstone)
        {
            _tombstones--;
        }

        _slots[index] = (TagOf(hash) << 48) | (ulong)item;
        _count++;
    }

    /// <summary>Puts a different item with the same key (so the same hash and tag) in an occupied slot.</summary>
    public readonly void ReplaceAt(int slot, ItemHeader* item)
        => _slots[slot] = (_slots[slot] & ~AddressMask) | (ulong)item;

    public void RemoveAt(int slot)
    {
        _slots[slot] = Tombstone;
        _count--;
        _tombstones++;
    }

    /// <summary>Hands the current slot array to the caller and starts over empty (for dropping a partition).</summary>
    public ulong* DetachAndReset(out int capacity)
    {
        ulong* old = _slots;
        capacity = Capacity;
        Initialize(InitialCapacity);
        return old;
    }

    /// <summary>The item in a detached slot array, or null.</summary>
    public static ItemHeader* EntryAt(ulong* slots, int slot)
    {
        ulong entry = slots[slot];
        return entry <= Tombstone ? null : (ItemHeader*)(entry & AddressMask);
    }

    public static void FreeSlots(ulong* slots) => NativeMemory.Free(slots);

    public void Dispose()
    {
        if (_slots != null)
        {
            NativeMemory.Free(_slots);
            _slots = null;
        }
    }

    /// <summary>
    /// Re-inserts every entry (dropping tombstones) into the smallest table that holds <paramref name="needed"/>
    /// entries at most half full. With the 3/4 trigger, a table is between 3/8 and 3/4 full.
    /// </summary>
    private void Rebuild(int needed)
    {
        int capacity = InitialCapacity;
        while (needed * 2L > capacity)
        {
            capacity *= 2;
        }

        ulong* old = _slots;
        int oldCapacity = Capacity;
        _slots = (ulong*)NativeMemory.AllocZeroed((nuint)capacity, sizeof(ulong));
        _mask = capacity - 1;
        _tombstones = 0;
        Version++;
        for (int i = 0; i < oldCapacity; i++)
        {
            ulong entry = old[i];
            if (entry <= Tombstone)
            {
                continue;
            }

            var item = (ItemHeader*)(entry & AddressMask);
            ulong hash = XxHash64.Hash(ItemHeader.Key(item));
            int index = (int)((uint)hash & (uint)_mask);
            while (_slots[index] != 0)
            {
                index = (index + 1) & _mask;
            }

            _slots[index] = entry;
        }

        NativeMemory.Free(old);
    }
}
