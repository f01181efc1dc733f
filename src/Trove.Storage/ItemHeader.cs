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
    /// Store mode: the value is not in memory but in the log; the item is a stub (header, key with a long key's length
    /// prefix, location trailer with the value's length) and <see cref="ItemHeader.ValueLength"/> is 0. See
    /// <see cref="ItemHeader.LocationBytes"/>. (Long keys use no bit: they are marked by <see cref="ItemHeader.LongKeyMarker"/>.)
    /// </summary>
    OnDisk = 64,
}

/// <summary>
/// The 28-byte header at the start of every item; the key follows it (after a u16 length when it is 255 bytes or
/// longer, see <see cref="LongKeyMarker"/>), then the value (no trailing CRLF).
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
    /// <summary>The key's length, or <see cref="LongKeyMarker"/>: use <see cref="KeyLengthOf"/>, never this field alone.</summary>
    [FieldOffset(24)] public byte KeyLength;
    [FieldOffset(25)] public ItemFlags Flags;
    /// <summary>CLOCK state. Written without the partition lock by the clock hand, so it holds only hints whose loss is harmless.</summary>
    [FieldOffset(26)] public byte Clock;
    /// <summary>Slab class id (1..63), or <see cref="SlabClassTable.LargeClassId"/> for a dedicated allocation.</summary>
    [FieldOffset(27)] public byte SlabClass;

    /// <summary>
    /// <see cref="KeyLength"/> of an item whose key is 255 bytes or longer (store mode's long keys): the key's real
    /// length is a little-endian u16 right after the header, and the key follows it. Shorter keys (every key in
    /// cache mode) keep the plain layout, so ordinary items pay nothing for long-key support.
    /// </summary>
    public const byte LongKeyMarker = 255;

    /// <summary>Bytes of the u16 length that precedes a long key.</summary>
    public const int LongKeyPrefixSize = 2;

    /// <summary>The longest key the layout can hold.</summary>
    public const int MaxKeyLength = ushort.MaxValue;

    /// <summary>Bytes between the header and the value for a key of this length: the key, plus the length prefix of a long key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int KeyBytes(int keyLength) => keyLength < LongKeyMarker ? keyLength : keyLength + LongKeyPrefixSize;

    public static int TotalSize(int keyLength, int valueLength) => Size + KeyBytes(keyLength) + valueLength;

    /// <summary>
    /// Bytes of the location trailer every item of an engine with values on disk carries right after its value
    /// (after the key, and a long key's length prefix, for a stub): where the item's latest Set record is, and the
    /// value's length. Cache-mode items have none, so the header stays 28 bytes for them.
    /// </summary>
    public const int LocationBytes = 16;

    /// <summary>The location trailer of an item of an engine with values on disk: right after the value (<see cref="TotalSize(ItemHeader*)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ItemLocation* Location(ItemHeader* item) => (ItemLocation*)((byte*)item + TotalSize(item));

    /// <summary>The size memcached 1.6 counts for the same item (stats "bytes"): header 48, key + NUL, flags suffix, value + CRLF, CAS 8.</summary>
    public static long MemcachedSize(int keyLength, long valueLength, uint clientFlags)
        => 48 + keyLength + 1 + (clientFlags != 0 ? 4 : 0) + valueLength + 2 + 8;

    /// <summary>The key's length, wherever it is kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int KeyLengthOf(ItemHeader* item)
    {
        int length = item->KeyLength;
        return length != LongKeyMarker ? length : Unsafe.ReadUnaligned<ushort>((byte*)item + Size);
    }

    /// <summary>Bytes between the header and the value (see <see cref="KeyBytes(int)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StoredKeyBytes(ItemHeader* item)
    {
        int length = item->KeyLength;
        return length != LongKeyMarker ? length : Unsafe.ReadUnaligned<ushort>((byte*)item + Size) + LongKeyPrefixSize;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* KeyPointer(ItemHeader* item) => (byte*)item + Size + (item->KeyLength != LongKeyMarker ? 0 : LongKeyPrefixSize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Key(ItemHeader* item)
    {
        int length = item->KeyLength;
        return length != LongKeyMarker
            ? new((byte*)item + Size, length)
            : new((byte*)item + Size + LongKeyPrefixSize, Unsafe.ReadUnaligned<ushort>((byte*)item + Size));
    }

    /// <summary>
    /// Reads the key of a chunk that may be changing under the caller (eviction and page-move scans, which hold the
    /// class lock but not the partition lock): every length is read once and checked against the chunk, so a torn
    /// read yields a wrong key (which the caller's table lookup by address rejects), never a read outside the chunk.
    /// </summary>
    public static bool TryReadKeyUnlocked(ItemHeader* item, int chunkSize, out ReadOnlySpan<byte> key)
    {
        int length = Volatile.Read(ref item->KeyLength);
        int offset = Size;
        if (length == LongKeyMarker)
        {
            length = Unsafe.ReadUnaligned<ushort>((byte*)item + Size);
            offset += LongKeyPrefixSize;
        }

        if ((long)offset + length > chunkSize)
        {
            key = default;
            return false;
        }

        key = new((byte*)item + offset, length);
        return true;
    }

    /// <summary>Writes the key (and, for a long key, its length prefix) after the header of an item not shared yet.</summary>
    public static void WriteKey(ItemHeader* item, ReadOnlySpan<byte> key)
    {
        byte* at = (byte*)item + Size;
        if (key.Length < LongKeyMarker)
        {
            item->KeyLength = (byte)key.Length;
        }
        else
        {
            item->KeyLength = LongKeyMarker;
            Unsafe.WriteUnaligned(at, checked((ushort)key.Length));
            at += LongKeyPrefixSize;
        }

        key.CopyTo(new Span<byte>(at, key.Length));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* ValuePointer(ItemHeader* item) => (byte*)item + Size + StoredKeyBytes(item);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<byte> Value(ItemHeader* item) => new(ValuePointer(item), item->ValueLength);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TotalSize(ItemHeader* item) => Size + StoredKeyBytes(item) + item->ValueLength;

    public static long MemcachedSize(ItemHeader* item) => MemcachedSize(KeyLengthOf(item), item->ValueLength, item->ClientFlags);

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
