using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Trove.Storage.Persistence;

namespace Trove.Storage;

/// <summary>
/// Values on disk (store mode, <see cref="EngineOptions.ValuesOnDisk"/>): every item carries the location of its
/// latest Set record; a cold item whose record has reached its file may become a stub (header, key, location: no
/// value), and a stub's value is read back from its record. docs/STORE.md, "Values on disk".
/// </summary>
/// <remarks>
/// Invariant: a stub's location names a record holding exactly its key, CAS and value. It holds because a stub is
/// made only from an item whose location is its latest record (every change reports a record, whose location
/// <see cref="RecordLocation"/> keeps), every change to a stub first brings its value back into memory
/// (<see cref="EnsureInMemory"/>), and compaction re-points locations before it deletes a segment
/// (<see cref="Relocate"/>). A read checks the record's frame, CRC, key, CAS and length all the same: a mismatch is a
/// read error (counted, never served).
/// </remarks>
public sealed unsafe partial class CacheEngine
{
    private readonly DiskValueCounters _disk = new();

    /// <summary>The log values are read back from; set before the first change when <see cref="EngineOptions.ValuesOnDisk"/>.</summary>
    public IValueLog? ValueLog { get; set; }

    /// <summary>Counters of values on disk (<c>stats store</c>).</summary>
    public DiskValueStats GetDiskValueStats() => _disk.Snapshot();

    /// <summary>Bytes an item of these lengths takes in memory (with the location trailer in store mode).</summary>
    private int ItemSize(int keyLength, int valueLength) => ItemHeader.TotalSize(keyLength, valueLength) + _locationBytes;

    /// <summary>Bytes a linked or allocated item takes in memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ItemBytes(ItemHeader* item) => ItemHeader.TotalSize(item) + _locationBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsStub(ItemHeader* item) => (item->Flags & ItemFlags.OnDisk) != 0;

    /// <summary>
    /// The Set record's length for a key and value of these lengths (docs/STORE.md, "Set"): a type 4 record, with a
    /// u16 key length, for a key over 255 bytes.
    /// </summary>
    private static int SetRecordLength(int keyLength, int valueLength) => RecordFormat.SetRecordLength(keyLength, valueLength);

    /// <summary>Counts a stub that was just linked. Caller holds the partition lock.</summary>
    private void NoteOnDisk(ItemHeader* item)
    {
        if (IsStub(item))
        {
            _disk.Linked(ItemHeader.Location(item)->ValueLength);
        }
    }

    /// <summary>Counts a stub that was just unlinked. Caller holds the partition lock (or owns the unreachable item).</summary>
    private void ForgetOnDisk(ItemHeader* item)
    {
        if (IsStub(item))
        {
            _disk.Unlinked(ItemHeader.Location(item)->ValueLength);
        }
    }

    /// <summary>
    /// After the observer was told of a change: keeps where its Set record went (nothing unless values are on disk).
    /// Caller holds the partition lock.
    /// </summary>
    private void RecordLocation(ItemHeader* item)
    {
        if (_locationBytes != 0)
        {
            SetLocation(item, ValueLog?.TakeAppended() ?? default);
        }
    }

    /// <summary>Sets a full item's location (the value length in the trailer stays). Caller owns the item or holds its lock.</summary>
    private void SetLocation(ItemHeader* item, in ValueLocation location)
    {
        if (_locationBytes == 0)
        {
            return;
        }

        ItemLocation* trailer = ItemHeader.Location(item);
        trailer->File = location.File;
        trailer->Offset = location.Offset;
        trailer->Crc = location.Crc;
    }

    /// <summary>
    /// Reads a stub's record into a pooled buffer and checks it is the stub's: a whole frame of the expected length,
    /// the CRC the location names, a Set (type 2, or 4 for a long key) of the same key, CAS and value length. Caller holds the partition lock; one
    /// record is read. On success the caller returns <paramref name="rented"/> to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    private bool TryReadStub(ItemHeader* stub, out byte[]? rented, out ReadOnlySpan<byte> value)
    {
        ItemLocation* trailer = ItemHeader.Location(stub);
        int valueLength = trailer->ValueLength;
        int recordLength = SetRecordLength(ItemHeader.KeyLengthOf(stub), valueLength);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(recordLength);
        Span<byte> record = buffer.AsSpan(0, recordLength);
        IValueLog? log = ValueLog;
        _disk.Read(recordLength);
        bool readOk = log is not null && log.Read(trailer->ToValueLocation(), record);
        if (readOk
            && RecordFormat.TryReadFrame(record, out int frameLength, out ReadOnlySpan<byte> body) == FrameStatus.Ok
            && frameLength == recordLength
            && BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) == trailer->Crc
            && RecordFormat.IsSetType(RecordFormat.TypeOf(body)))
        {
            LogRecord decoded = RecordFormat.Decode(body);
            if (decoded.Cas == stub->Cas && decoded.Value.Length == valueLength && decoded.Key.SequenceEqual(ItemHeader.Key(stub)))
            {
                rented = buffer;
                value = buffer.AsSpan(recordLength - valueLength, valueLength);
                return true;
            }
        }

        _disk.ReadFailed();
        if (readOk)
        {
            log!.ReportMismatch(trailer->ToValueLocation());
        }

        ArrayPool<byte>.Shared.Return(buffer);
        rented = null;
        value = default;
        return false;
    }

    private static void ReturnRented(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Links <paramref name="replacement"/> in place of <paramref name="old"/> (at <paramref name="slot"/>) keeping
    /// everything clients can see: CAS, flags, expiry, access time, state bits. For demotion and promotion, which
    /// change where the value is, not the item. Caller holds the partition lock and has filled the replacement's key,
    /// value (or none, for a stub) and trailer.
    /// </summary>
    private void Relink(Partition part, int slot, ItemHeader* old, ItemHeader* replacement, bool stub)
    {
        replacement->Cas = old->Cas;
        replacement->ExpiresAt = old->ExpiresAt;
        replacement->Time = old->Time;
        replacement->ClientFlags = old->ClientFlags;
        replacement->Clock = old->Clock;
        ItemFlags flags = old->Flags | ItemFlags.Linked;
        replacement->Flags = stub ? flags | ItemFlags.OnDisk : flags & ~ItemFlags.OnDisk;
        part.Table.ReplaceAt(slot, replacement);
        ForgetLinked(part, old);
        part.Counters.CurrItems++;
        part.Counters.Bytes += ItemBytes(replacement);
        part.Tally(replacement->SlabClass, ClassTally.Items)++;
        part.Tally(replacement->SlabClass, ClassTally.RequestedBytes) += ItemBytes(replacement);
        NoteOnDisk(replacement);
    }

    /// <summary>
    /// Before a change that needs the value (append, incr, touch, invalidation): brings a stub's value back into
    /// memory. Returns false only when the key is a stub whose value could not be brought back (no memory, or a read
    /// error, see <paramref name="readError"/>); true when the key is missing, dead or already in memory. No lock held.
    /// </summary>
    private bool EnsureInMemory(Partition part, ReadOnlySpan<byte> key, ulong hash, uint now, out bool readError)
    {
        readError = false;
        if (_locationBytes == 0)
        {
            return true;
        }

        for (int attempt = 0; attempt < MaxRevalidations; attempt++)
        {
            ItemHeader* stub;
            ulong cas;
            int valueLength;
            using (part.Lock.EnterScope())
            {
                stub = part.Table.Find(key, hash, out _);
                if (stub == null || !IsStub(stub) || IsDead(stub, now))
                {
                    return true;
                }

                cas = stub->Cas;
                valueLength = ItemHeader.Location(stub)->ValueLength;
            }

            ItemHeader* full = AllocateItemOrDemote(ItemSize(key.Length, valueLength), now);
            if (full == null)
            {
                return false;
            }

            WriteHeader(full, key, 0, 0, valueLength);
            PromoteOutcome outcome = TryPromote(part, key, hash, full, stub, cas, default, hot: true);
            if (outcome == PromoteOutcome.Promoted)
            {
                return true;
            }

            if (outcome == PromoteOutcome.ReadError)
            {
                readError = true;
                return false;
            }
        }

        return false;
    }

    private enum PromoteOutcome : byte
    {
        Promoted,
        /// <summary>The stub changed or went away meanwhile.</summary>
        Changed,
        ReadError,
    }

    /// <summary>
    /// Replaces <paramref name="stub"/> (if it is still the key's, with the same CAS) by <paramref name="full"/>,
    /// whose value is <paramref name="value"/> when given, else read from the log under the lock. Frees whichever
    /// item is left over. No lock held by the caller.
    /// </summary>
    private PromoteOutcome TryPromote(Partition part, ReadOnlySpan<byte> key, ulong hash, ItemHeader* full, ItemHeader* stub, ulong cas, ReadOnlySpan<byte> value, bool hot)
    {
        PromoteOutcome outcome = PromoteOutcome.Changed;
        using (part.Lock.EnterScope())
        {
            ItemHeader* current = part.Table.Find(key, hash, out int slot);
            if (current == stub && current != null && IsStub(current) && current->Cas == cas)
            {
                ItemLocation* trailer = ItemHeader.Location(stub);
                byte[]? rented = null;
                bool loaded = !value.IsEmpty || trailer->ValueLength == 0 || TryReadStub(stub, out rented, out value);
                if (loaded)
                {
                    value.CopyTo(ItemHeader.Value(full));
                    ReturnRented(rented);
                    *ItemHeader.Location(full) = *trailer;
                    Relink(part, slot, stub, full, stub: false);
                    if (hot)
                    {
                        // Just needed: the demoter's hand should pass it a few times before taking it again.
                        full->Clock = (byte)((full->Clock & ~ItemHeader.ClockCountMask) | ItemHeader.ClockCountMask);
                    }

                    _disk.Promoted();
                    outcome = PromoteOutcome.Promoted;
                }
                else
                {
                    outcome = PromoteOutcome.ReadError;
                }
            }
        }

        FreeItem(outcome == PromoteOutcome.Promoted ? stub : full);
        return outcome;
    }
}
