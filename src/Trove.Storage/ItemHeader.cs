using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trove.Storage;

/// <summary>State bits of an item or chunk, kept in <see cref="ItemHeader.Flags"/>.</summary>
/// <remarks>Written only by a thread that owns the chunk: under the partition lock once linked, under the class lock while free.</remarks>
[Flags]
internal enum ItemFlags : byte
{
    /// <summary>Neither linked nor free: just allocated or just unlinked (in flight, owned by one thread).</summary>
    None = 0,
    /// <summary>Reachable from its partition's hash table.</summary>
    Linked = 1,
    /// <summary>Read at least once (memcached ITEM_FETCHED).</summary>
    Fetched = 2,
    /// <summary>Invalidated by meta delete/set with I (memcached ITEM_STALE).</summary>
    Stale = 4,
    /// <summary>A meta client already holds the win token (memcached ITEM_TOKEN_SENT).</summary>
    TokenSent = 8,
    /// <summary>The chunk is free (on its class's free list, or detached for a page move).</summary>
    Free = 16,
    /// <summary>Stored by meta set with the b flag (memcached ITEM_KEY_BINARY): mg echoes its key base64-encoded.</summary>
    BinaryKey = 32,
    /// <summary>
    /// Store mode: the value is not in memory but in the log; the item is a stub (header, key, location trailer with
    /// the value's length) and <see cref="ItemHeader.ValueLength"/> is 0. See <see cref="ItemHeader.LocationBytes"/>.
    /// </summary>
    OnDisk = 64,
}

/// <summary>
/// The 28-byte header at the start of every item; the key follows it, then the value (no trailing CRLF).
/// Fields are naturally aligned because chunks start on 8-byte boundaries.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct ItemHeader
{
    public const int Size = 28;

    /// <summary>Clock bits: a saturating access counter (0..3) in the low bits.</summary>
    public const byte ClockCountMask = 0x03;
    /// <summary>memcached's ITEM_ACTIVE: set by the second fetch, cleared when the clock hand passes.</summary>
    public const byte ClockActive = 0x80;

    /// <summary>64-bit CAS unique. On a free chunk, bytes 0..15 hold the free-list links instead.</summary>
    [FieldOffset(0)] public ulong Cas;
    /// <summary>Engine time of expiry; 0 = never.</summary>
    [FieldOffset(8)] public uint ExpiresAt;
    /// <summary>Engine time of the last link or bump (memcached it->time).</summary>
    [FieldOffset(12)] public uint Time;
    [FieldOffset(16)] public uint ClientFlags;
    [FieldOffset(20)] public int ValueLength;
    [FieldOffset(24)] public byte KeyLength;
    [FieldOffset(25)] public ItemFlags Flags;
    /// <summary>CLOCK state. Written without the partition lock by the clock hand, so it holds only hints whose loss is harmless.</summary>
    [FieldOffset(26)] public byte Clock;
    /// <summary>Slab class id (1..63), or <see cref="SlabClassTable.LargeClassId"/> for a dedicated allocation.</summary>
    [FieldOffset(27)] public byte SlabClass;

    public static int TotalSize(int keyLength, int valueLength) => Size + keyLength + valueLength;

    /// <summary>
    /// Bytes of the location trailer every item of an engine with values on disk carries right after its value
    /// (after the key for a stub): where the item's latest Set record is, and the value's length. Cache-mode items
    /// have none, so the header stays 28 bytes for them.
    /// </summary>
    public const int LocationBytes = 16;

    /// <summary>The location trailer of an item of an engine with values on disk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ItemLocation* Location(ItemHeader* item) => (ItemLocation*)((byte*)item + Size + item->KeyLength + item->ValueLength);

    /// <summary>The size memcached 1.6 counts for the same item (stats "bytes"): header 48, key + NUL, flags suffix, value + CRLF, CAS 8.</summary>
    public static long MemcachedSize(int keyLength, long valueLength, uint clientFlags)
        => 48 + keyLength + 1 + (clientFlags != 0 ? 4 : 0) + valueLength + 2 + 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* KeyPointer(ItemHeader* item) => (byte*)item + Size;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Key(ItemHeader* item) => new((byte*)item + Size, item->KeyLength);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* ValuePointer(ItemHeader* item) => (byte*)item + Size + item->KeyLength;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<byte> Value(ItemHeader* item) => new((byte*)item + Size + item->KeyLength, item->ValueLength);

    public static int TotalSize(ItemHeader* item) => Size + item->KeyLength + item->ValueLength;

    public static long MemcachedSize(ItemHeader* item) => MemcachedSize(item->KeyLength, item->ValueLength, item->ClientFlags);

    /// <summary>memcached's rule: expired when exptime != 0 and exptime &lt;= now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsExpired(ItemHeader* item, uint now) => item->ExpiresAt != 0 && item->ExpiresAt <= now;
}

/// <summary>
/// The 16-byte trailer of an item of an engine with values on disk (see <see cref="ItemHeader.LocationBytes"/>):
/// where the item's latest Set record is (<see cref="File"/> 0 = not known yet, so the value may not leave memory)
/// and the value's length, which a stub no longer has in <see cref="ItemHeader.ValueLength"/>. 4-byte aligned only.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = ItemHeader.LocationBytes)]
internal struct ItemLocation
{
    public uint File;
    public uint Offset;
    public uint Crc;
    public int ValueLength;

    public readonly ValueLocation ToValueLocation() => new(File, Offset, Crc);
}
