using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trove.Storage;

/// <summary>
/// One partition's hash index: open addressing with linear probing in a native array of 8-byte slots.
/// A slot holds the item address in its low 48 bits and a 16-bit tag (bits 32..47 of the key hash) in its high
/// bits, so most non-matching probes never touch the item. A key's home slot is the low 32 bits of its hash
/// scaled to the capacity ("fastrange": (hash32 × capacity) >> 32), so the capacity need not be a power of two;
/// probes move to the next slot and wrap at the end.
/// </summary>
/// <remarks>
/// Invariant (linear probing): for every entry, all slots from its home up to its own slot are occupied or
/// tombstones, so a probe that meets an empty slot may stop. Removal leaves a tombstone, which keeps every other
/// entry in place: enumeration by slot index is stable until the next rebuild, counted by <see cref="Version"/>.
/// A tombstone followed by an empty slot ends no probe chain, so it is turned back into an empty slot at once.
/// Entries plus tombstones stay at most <see cref="MaxLoadNumerator"/>/<see cref="MaxLoadDenominator"/> of the
/// slots; a rebuild picks the smallest capacity of the growth sequence (16, 24, 36, ..., each ×1.5) that is at
/// most <see cref="RebuildLoadNumerator"/>/<see cref="RebuildLoadDenominator"/> full, so a full table grows one
/// step and a table that is mostly tombstones is rebuilt at its size or smaller.
/// Not thread safe: the caller holds the owning partition's lock.
/// </remarks>
internal unsafe struct ItemTable
{
    public const int InitialCapacity = 16;
    /// <summary>Largest capacity the growth sequence reaches (8 GiB of slots); a table this big may fill past the maximum load.</summary>
    public const int MaxCapacity = 1 << 30;
    private const int MaxLoadNumerator = 4;
    private const int MaxLoadDenominator = 5;
    private const int RebuildLoadNumerator = 3;
    private const int RebuildLoadDenominator = 5;
    private const ulong Empty = 0;
    private const ulong Tombstone = 1;
    private const ulong AddressMask = (1UL << 48) - 1;

    private ulong* _slots;
    private int _capacity;
    private int _count;
    private int _tombstones;

    /// <summary>Incremented whenever slots move (rebuild or reset).</summary>
    public int Version;

    public readonly int Count => _count;
    public readonly int Capacity => _capacity;
    public readonly int Tombstones => _tombstones;
    public readonly long Bytes => (long)_capacity * sizeof(ulong);

    /// <summary>True when an item address can be stored in a slot (user-space addresses below 2^48).</summary>
    public static bool CanHold(void* address, long length) => ((ulong)address + (ulong)length) >> 48 == 0;

    /// <summary>The capacity after <paramref name="capacity"/> in the growth sequence (×1.5, rounded down).</summary>
    public static int NextCapacity(int capacity) => (int)Math.Min(MaxCapacity, capacity + (long)(capacity / 2));

    /// <summary>The smallest capacity of the growth sequence that holds <paramref name="entries"/> at the rebuild load.</summary>
    public static int CapacityFor(int entries)
    {
        int capacity = InitialCapacity;
        while (capacity < MaxCapacity && (long)entries * RebuildLoadDenominator > (long)capacity * RebuildLoadNumerator)
        {
            capacity = NextCapacity(capacity);
        }

        return capacity;
    }

    public void Initialize(int capacity)
    {
        _slots = (ulong*)NativeMemory.AllocZeroed((nuint)capacity, sizeof(ulong));
        _capacity = capacity;
        _count = 0;
        _tombstones = 0;
        Version++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong TagOf(ulong hash) => (hash >> 32) & 0xFFFF;

    /// <summary>The key's home slot: the low 32 bits of the hash scaled to the capacity (independent of the tag and partition bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int HomeOf(ulong hash) => (int)(((ulong)(uint)hash * (uint)_capacity) >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int Next(int index) => ++index == _capacity ? 0 : index;

    // Optimized from the first call: replay at start-up runs it a million times before tiering would (STORE.md).

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly ItemHeader* Find(ReadOnlySpan<byte> key, ulong hash, out int slot)
    {
        ulong tag = TagOf(hash);
        int index = HomeOf(hash);
        // What the header's length byte holds for this key: a quick reject before the key is compared.
        int lengthByte = Math.Min(key.Length, ItemHeader.LongKeyMarker);
        while (true)
        {
            ulong entry = _slots[index];
            if (entry == Empty)
            {
                slot = -1;
                return null;
            }

            if (entry >> 48 == tag && entry != Tombstone)
            {
                var item = (ItemHeader*)(entry & AddressMask);
                if (item->KeyLength == lengthByte && ItemHeader.Key(item).SequenceEqual(key))
                {
                    slot = index;
                    return item;
                }
            }

            index = Next(index);
        }
    }

    /// <summary>The slot that holds exactly this item (by address), or -1. Used to re-validate eviction victims.</summary>
    public readonly int FindSlotOf(ItemHeader* item, ulong hash)
    {
        ulong wanted = (TagOf(hash) << 48) | (ulong)item;
        int index = HomeOf(hash);
        while (true)
        {
            ulong entry = _slots[index];
            if (entry == wanted)
            {
                return index;
            }

            if (entry == Empty)
            {
                return -1;
            }

            index = Next(index);
        }
    }

    /// <summary>The item in a slot, or null for an empty or deleted slot (for enumeration).</summary>
    public readonly ItemHeader* At(int slot)
    {
        ulong entry = _slots[slot];
        return entry <= Tombstone ? null : (ItemHeader*)(entry & AddressMask);
    }

    /// <summary>
    /// Grows the table, if needed, to the capacity that <paramref name="entries"/> insertions from empty would reach:
    /// the smallest of the growth sequence, at or above the current one, that holds them at the maximum load. A bulk
    /// load then rebuilds once instead of at every step (each rebuild hashes every key again from its item), and ends
    /// with the same capacity, so the same memory, as growing one insertion at a time. Never shrinks. May rebuild the
    /// table (slot indices change).
    /// </summary>
    public void Reserve(int entries)
    {
        int capacity = _capacity;
        while (capacity < MaxCapacity && (long)(entries + _tombstones) * MaxLoadDenominator > (long)capacity * MaxLoadNumerator)
        {
            capacity = NextCapacity(capacity);
        }

        if (capacity != _capacity)
        {
            Rebuild(capacity);
        }
    }

    /// <summary>Adds an item whose key is known to be absent. May rebuild the table (slot indices change).</summary>
    // Optimized from the first call: replay at start-up runs it a million times before tiering would (STORE.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Insert(ItemHeader* item, ulong hash)
    {
        if ((long)(_count + _tombstones + 1) * MaxLoadDenominator > (long)_capacity * MaxLoadNumerator)
        {
            // Below MaxCapacity a rebuild at the same size only happens when tombstones are at least 1/5 of the
            // slots; at MaxCapacity rebuilding without enough tombstones to drop would repeat on every insert.
            int capacity = CapacityFor(_count + 1);
            if (capacity != _capacity || _tombstones >= _capacity / 8)
            {
                Rebuild(capacity);
            }
        }

        // The key is absent, so the first free slot of its chain (a tombstone may be reused) is its place.
        int index = HomeOf(hash);
        while (_slots[index] > Tombstone)
        {
            index = Next(index);
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

    /// <summary>
    /// Deletes the entry in a slot. If the next slot is empty no chain runs through this one, so it becomes empty,
    /// and so do the tombstones right before it; otherwise it becomes a tombstone. No entry moves.
    /// </summary>
    public void RemoveAt(int slot)
    {
        _count--;
        if (_slots[Next(slot)] != Empty)
        {
            _slots[slot] = Tombstone;
            _tombstones++;
            return;
        }

        _slots[slot] = Empty;
        // At least one slot is empty (the load stays below 1), so this stops before coming back to `slot`.
        int index = slot == 0 ? _capacity - 1 : slot - 1;
        while (_slots[index] == Tombstone)
        {
            _slots[index] = Empty;
            _tombstones--;
            index = index == 0 ? _capacity - 1 : index - 1;
        }
    }

    /// <summary>Hands the current slot array to the caller and starts over empty (for dropping a partition).</summary>
    public ulong* DetachAndReset(out int capacity)
    {
        ulong* old = _slots;
        capacity = _capacity;
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
    /// Re-inserts every entry, dropping tombstones, into a new array of <paramref name="capacity"/> slots.
    /// The home slot depends on the capacity, so each key is hashed again from the item.
    /// </summary>
    private void Rebuild(int capacity)
    {
        ulong* old = _slots;
        int oldCapacity = _capacity;
        _slots = (ulong*)NativeMemory.AllocZeroed((nuint)capacity, sizeof(ulong));
        _capacity = capacity;
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
            int index = HomeOf(XxHash64.Hash(ItemHeader.Key(item)));
            while (_slots[index] != Empty)
            {
                index = Next(index);
            }

            _slots[index] = entry;
        }

        NativeMemory.Free(old);
    }
}
