using System.Buffers;
using System.Buffers.Binary;
using Trove.Storage;

namespace Trove.Server.Cluster.Peers;

/// <summary>
/// An item's state as a primary sends it to a replica (or a partition's old owner to its new one), applied straight to
/// the engine without the text protocol's parsing. Layout (big-endian), records back to back in one frame:
/// <code>
/// store:  op=1:u8 bits:u8 keyLength:u16 key flags:u32 ttl:i32 cas:u64 valueLength:u32 value
/// delete: op=2:u8 bits:u8 keyLength:u16 key
/// copy:   op=3, then as store
/// begin:  op=4:u8 0:u8 partition:u16          (a partition's copy starts: the receiver drops what it holds of it)
/// verify: op=5:u8 0:u8 partition:u16 count:u64 sum:u64  (the sender's digest here: the receiver compares its own)
/// </code>
/// The acknowledgement of a frame lists (u16 each) the partitions of its verify records whose digest differed.
/// A store is applied as set (the primary's state wins); a copy, sent while a partition moves to a new owner, as add,
/// so it never overwrites a write that reached the new owner after the copy was read.
/// bits: 1 = the key was stored base64-encoded over meta (b), 2 = stale. ttl: seconds left, -1 = never expires.
/// The CAS travels with the item, so a gets through one node and a cas through another agree (the primary assigns it).
/// </summary>
internal static class ReplicationRecord
{
    private const byte StoreOp = 1;
    private const byte DeleteOp = 2;
    private const byte CopyOp = 3;
    private const byte CopyBeginOp = 4;
    private const byte VerifyOp = 5;
    private const int VerifyLength = 4 + 16;
    private const byte BinaryKeyBit = 1;
    private const byte StaleBit = 2;

    /// <summary>Appends a store record of <paramref name="item"/> (<paramref name="copy"/>: a copy record).</summary>
    public static void WriteStore(IBufferWriter<byte> output, in ItemView item, bool copy = false)
    {
        int length = 4 + item.Key.Length + 20 + item.Value.Length;
        Span<byte> span = output.GetSpan(length);
        span[0] = copy ? CopyOp : StoreOp;
        span[1] = (byte)((item.BinaryKey ? BinaryKeyBit : 0) | (item.Stale ? StaleBit : 0));
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)item.Key.Length);
        item.Key.CopyTo(span[4..]);
        Span<byte> rest = span[(4 + item.Key.Length)..];
        BinaryPrimitives.WriteUInt32BigEndian(rest, item.Flags);
        BinaryPrimitives.WriteInt32BigEndian(rest[4..], item.TtlRemaining);
        BinaryPrimitives.WriteUInt64BigEndian(rest[8..], item.Cas);
        BinaryPrimitives.WriteUInt32BigEndian(rest[16..], (uint)item.Value.Length);
        item.Value.CopyTo(rest[20..]);
        output.Advance(length);
    }

    /// <summary>Appends a delete record for <paramref name="key"/>.</summary>
    public static void WriteDelete(IBufferWriter<byte> output, ReadOnlySpan<byte> key)
    {
        Span<byte> span = output.GetSpan(4 + key.Length);
        span[0] = DeleteOp;
        span[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)key.Length);
        key.CopyTo(span[4..]);
        output.Advance(4 + key.Length);
    }

    /// <summary>Appends the mark that starts a copy of <paramref name="partition"/>.</summary>
    public static void WriteCopyBegin(IBufferWriter<byte> output, int partition)
    {
        Span<byte> span = output.GetSpan(4);
        span[0] = CopyBeginOp;
        span[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], checked((ushort)partition));
        output.Advance(4);
    }

    /// <summary>Appends the sender's digest of <paramref name="partition"/>, to be compared where it is applied.</summary>
    public static void WriteVerify(IBufferWriter<byte> output, int partition, PartitionDigest digest)
    {
        Span<byte> span = output.GetSpan(VerifyLength);
        span[0] = VerifyOp;
        span[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], checked((ushort)partition));
        BinaryPrimitives.WriteInt64BigEndian(span[4..], digest.Count);
        BinaryPrimitives.WriteUInt64BigEndian(span[12..], digest.Sum);
        output.Advance(VerifyLength);
    }

    /// <summary>Bytes of the well-formed record (as this class writes them) at the start of <paramref name="records"/>.</summary>
    public static int LengthOf(ReadOnlySpan<byte> records)
    {
        if (records[0] == CopyBeginOp)
            return 4; // the partition sits where the others carry their key length
        if (records[0] == VerifyOp)
            return VerifyLength;
        int keyed = 4 + BinaryPrimitives.ReadUInt16BigEndian(records[2..]);
        return records[0] == DeleteOp ? keyed : checked(keyed + 20 + (int)BinaryPrimitives.ReadUInt32BigEndian(records[(keyed + 16)..]));
    }

    /// <summary>
    /// Applies every record in <paramref name="records"/> to <paramref name="engine"/>. Returns false on a malformed
    /// record (the rest is skipped; the stream is then not trusted).
    /// </summary>
    /// <paramref name="dropPartition"/> empties a partition at a copy's begin mark; a verify record whose digest differs
    /// from this engine's adds its partition to <paramref name="differing"/>.
    public static bool Apply(CacheEngine engine, ReadOnlyMemory<byte> records, Action<int> dropPartition, List<int> differing, out int applied)
    {
        applied = 0;
        while (!records.IsEmpty)
        {
            ReadOnlySpan<byte> span = records.Span;
            if (span.Length < 4)
                return false;
            byte op = span[0];
            byte bits = span[1];
            if (op == VerifyOp)
            {
                if (span.Length < VerifyLength)
                    return false;
                int verified = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
                if (verified >= engine.PartitionCount)
                    return false;
                var theirs = new PartitionDigest(BinaryPrimitives.ReadInt64BigEndian(span[4..]), BinaryPrimitives.ReadUInt64BigEndian(span[12..]));
                if (engine.DigestPartition(verified) != theirs)
                    differing.Add(verified);
                records = records[VerifyLength..];
                applied++;
                continue;
            }
            if (op == CopyBeginOp)
            {
                int partition = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
                if (partition >= engine.PartitionCount)
                    return false;
                dropPartition(partition);
                records = records[4..];
                applied++;
                continue;
            }
            int keyLength = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
            if (span.Length < 4 + keyLength)
                return false;
            ReadOnlySpan<byte> key = span.Slice(4, keyLength);
            records = records[(4 + keyLength)..];
            if (op == DeleteOp)
            {
                engine.Delete(key, default);
                applied++;
                continue;
            }
            span = records.Span;
            if (op is not (StoreOp or CopyOp) || span.Length < 20)
                return false;
            uint flags = BinaryPrimitives.ReadUInt32BigEndian(span);
            int ttl = BinaryPrimitives.ReadInt32BigEndian(span[4..]);
            ulong cas = BinaryPrimitives.ReadUInt64BigEndian(span[8..]);
            uint valueLength = BinaryPrimitives.ReadUInt32BigEndian(span[16..]);
            if (span.Length - 20 < valueLength)
                return false;
            var value = new ReadOnlySequence<byte>(records.Slice(20, (int)valueLength));
            records = records[(20 + (int)valueLength)..];
            var request = new StoreRequest
            {
                Mode = op == CopyOp ? StoreMode.Add : StoreMode.Set,
                Flags = flags,
                // Seconds left on the sender's clock from now on ours; 0 left means it expires this second.
                ExpiresAt = ttl < 0 ? 0 : engine.Now + (uint)Math.Max(ttl, 1),
                NewCas = cas,
                BinaryKey = (bits & BinaryKeyBit) != 0,
            };
            if (engine.Store(key, value, in request).Status == StoreStatus.Stored && (bits & StaleBit) != 0)
                engine.RestoreStale(key, cas); // an invalidated item stays invalidated on its replicas
            engine.AdvanceCas(cas); // after a failover this node assigns CAS values above every one it was sent
            applied++;
        }
        return true;
    }
}
