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
