using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Trove.Storage.Persistence;

/// <summary>What <see cref="RecordFormat.TryReadFrame"/> found at an offset.</summary>
public enum FrameStatus
{
    /// <summary>A whole record whose checksum matches.</summary>
    Ok,

    /// <summary>No bytes left: a clean end.</summary>
    End,

    /// <summary>Fewer bytes left than the 8-byte frame header, or than its length field announces.</summary>
    Truncated,

    /// <summary>A length of 0 (no type byte) or above <see cref="RecordFormat.MaxBodyLength"/>.</summary>
    BadLength,

    /// <summary>The checksum does not match the type and payload.</summary>
    BadChecksum,

    /// <summary>Checksum matches but the type is unknown or the payload does not parse: written by a bug or another version.</summary>
    Malformed,
}

/// <summary>
/// The record format, byte by byte (docs/STORE.md): <c>length:u32le crc32c:u32le type:u8 payload</c>, where length
/// counts type + payload and the CRC-32C covers exactly those <c>length</c> bytes.
/// </summary>
public static class RecordFormat
{
    /// <summary>length + crc.</summary>
    public const int FrameHeaderLength = 8;

    /// <summary>"TRVLOG1", the first bytes of every segment header payload.</summary>
    public static ReadOnlySpan<byte> Magic => "TRVLOG1"u8;

    /// <summary>magic(7) + sequence(8) + flags(1).</summary>
    public const int SegmentHeaderPayloadLength = 16;

    /// <summary>keyLength(1) + bits(1) + clientFlags(4) + expiry(8) + cas(8).</summary>
    public const int SetFixedLength = 22;

    /// <summary>The long-key Set: keyLength(2) + bits(1) + clientFlags(4) + expiry(8) + cas(8).</summary>
    public const int SetLongKeyFixedLength = 23;

    /// <summary>Longest key of a Set or Delete record (Set and Delete up to 255, the long-key types above).</summary>
    public const int MaxKeyLength = ushort.MaxValue;

    /// <summary>Longest key the original Set and Delete types carry (a u8 length).</summary>
    public const int MaxShortKeyLength = byte.MaxValue;

    /// <summary>Largest type+payload accepted (1 GiB plus room for the fixed fields), so a garbage length is recognised.</summary>
    public const int MaxBodyLength = (1 << 30) + 1024;

    private const byte CompactedFlag = 1;

    /// <summary>Bytes the framed record takes on disk.</summary>
    public static int EncodedLength(in LogRecord record)
    {
        bool longKey = record.Key.Length > MaxShortKeyLength;
        return record.Type switch
        {
            RecordType.Set => SetRecordLength(record.Key.Length, record.Value.Length),
            RecordType.Delete => FrameHeaderLength + 1 + (longKey ? 2 : 1) + record.Key.Length,
            _ => throw new ArgumentException("only Set and Delete records are appended", nameof(record)),
        };
    }

    /// <summary>
    /// Bytes a framed Set record of a key and value of these lengths takes on disk: type 2 (<see cref="SetFixedLength"/>)
    /// up to a 255-byte key, type 4 (<see cref="SetLongKeyFixedLength"/>) above.
    /// </summary>
    public static int SetRecordLength(int keyLength, int valueLength)
        => FrameHeaderLength + 1 + (keyLength > MaxShortKeyLength ? SetLongKeyFixedLength : SetFixedLength) + keyLength + valueLength;

    /// <summary>Whether a type is a Set of either key size (<see cref="RecordType.Set"/> or <see cref="RecordType.SetLongKey"/>).</summary>
    public static bool IsSetType(RecordType type) => type is RecordType.Set or RecordType.SetLongKey;

    /// <summary>Bytes a framed segment header takes.</summary>
    public const int SegmentHeaderRecordLength = FrameHeaderLength + 1 + SegmentHeaderPayloadLength;

    /// <summary>
    /// Writes the framed record into <paramref name="destination"/> (at least <see cref="EncodedLength"/> bytes).
    /// A key longer than 255 bytes is written as <see cref="RecordType.SetLongKey"/> or <see cref="RecordType.DeleteLongKey"/>,
    /// so logs without long keys stay byte for byte what earlier versions wrote.
    /// </summary>
    public static int Encode(in LogRecord record, Span<byte> destination)
    {
        if (record.Key.Length is 0 or > MaxKeyLength)
        {
            throw new ArgumentException("key must be 1 to 65535 bytes", nameof(record));
        }

        int total = EncodedLength(record);
        if (total - FrameHeaderLength > MaxBodyLength)
        {
            throw new ArgumentException("record too large", nameof(record));
        }

        Span<byte> body = destination.Slice(FrameHeaderLength, total - FrameHeaderLength);
        bool longKey = record.Key.Length > MaxShortKeyLength;
        Span<byte> p = body[1..];
        int lengthBytes = 1;
        if (longKey)
        {
            body[0] = (byte)(record.Type == RecordType.Set ? RecordType.SetLongKey : RecordType.DeleteLongKey);
            BinaryPrimitives.WriteUInt16LittleEndian(p, (ushort)record.Key.Length);
            lengthBytes = 2;
        }
        else
        {
            body[0] = (byte)record.Type;
            p[0] = (byte)record.Key.Length;
        }

        p = p[lengthBytes..];
        if (record.Type == RecordType.Set)
        {
            p[0] = (byte)record.Bits;
            BinaryPrimitives.WriteUInt32LittleEndian(p[1..], record.ClientFlags);
            BinaryPrimitives.WriteUInt64LittleEndian(p[5..], record.ExpiresAtUnix);
            BinaryPrimitives.WriteUInt64LittleEndian(p[13..], record.Cas);
            record.Key.CopyTo(p[21..]);
            record.Value.CopyTo(p[(21 + record.Key.Length)..]);
        }
        else
        {
            record.Key.CopyTo(p);
        }

        WriteFrameHeader(destination, body);
        return total;
    }

    /// <summary>Writes a framed segment header record; returns <see cref="SegmentHeaderRecordLength"/>.</summary>
    public static int EncodeSegmentHeader(SegmentHeader header, Span<byte> destination)
    {
        Span<byte> body = destination.Slice(FrameHeaderLength, 1 + SegmentHeaderPayloadLength);
        body[0] = (byte)RecordType.SegmentHeader;
        Magic.CopyTo(body[1..]);
        BinaryPrimitives.WriteUInt64LittleEndian(body[8..], header.Sequence);
        body[16] = header.Compacted ? CompactedFlag : (byte)0;
        WriteFrameHeader(destination, body);
        return SegmentHeaderRecordLength;
    }

    private static void WriteFrameHeader(Span<byte> destination, ReadOnlySpan<byte> body)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32C.Compute(body));
    }

    /// <summary>
    /// Checks the frame at the start of <paramref name="buffer"/>. On <see cref="FrameStatus.Ok"/>,
    /// <paramref name="frameLength"/> is the whole record's size and <paramref name="body"/> its type + payload.
    /// </summary>
    // Optimized from the first call: replay at start-up runs it a million times before tiering would (STORE.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FrameStatus TryReadFrame(ReadOnlySpan<byte> buffer, out int frameLength, out ReadOnlySpan<byte> body)
    {
        frameLength = 0;
        body = default;
        if (buffer.IsEmpty)
        {
            return FrameStatus.End;
        }

        if (buffer.Length < FrameHeaderLength)
        {
            return FrameStatus.Truncated;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (length == 0 || length > MaxBodyLength)
        {
            return FrameStatus.BadLength;
        }

        if (length > (uint)(buffer.Length - FrameHeaderLength))
        {
            return FrameStatus.Truncated;
        }

        ReadOnlySpan<byte> candidate = buffer.Slice(FrameHeaderLength, (int)length);
        if (Crc32C.Compute(candidate) != BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..]))
        {
            return FrameStatus.BadChecksum;
        }

        frameLength = FrameHeaderLength + (int)length;
        body = candidate;
        return IsWellFormed(body) ? FrameStatus.Ok : FrameStatus.Malformed;
    }

    private static bool IsWellFormed(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> p = body[1..];
        return (RecordType)body[0] switch
        {
            RecordType.SegmentHeader => p.Length == SegmentHeaderPayloadLength && p[..7].SequenceEqual(Magic),
            RecordType.Set => p.Length >= SetFixedLength && p[0] > 0 && p.Length >= SetFixedLength + p[0],
            RecordType.Delete => p.Length >= 1 && p[0] > 0 && p.Length == 1 + p[0],
            // A long-key type only ever carries a key the short type could not.
            RecordType.SetLongKey => p.Length >= SetLongKeyFixedLength && LongKeyLength(p) > MaxShortKeyLength
                                     && p.Length >= SetLongKeyFixedLength + LongKeyLength(p),
            RecordType.DeleteLongKey => p.Length >= 2 && LongKeyLength(p) > MaxShortKeyLength && p.Length == 2 + LongKeyLength(p),
            _ => false,
        };
    }

    private static int LongKeyLength(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadUInt16LittleEndian(payload);

    /// <summary>Whether a type byte starts a Set or Delete record of either key size (what a torn-tail scan looks for).</summary>
    public static bool IsChangeType(byte type) => (RecordType)type is RecordType.Set or RecordType.Delete or RecordType.SetLongKey or RecordType.DeleteLongKey;

    /// <summary>The type of a body returned by <see cref="TryReadFrame"/>.</summary>
    public static RecordType TypeOf(ReadOnlySpan<byte> body) => (RecordType)body[0];

    /// <summary>Decodes a Set or Delete body (of either key size) that <see cref="TryReadFrame"/> accepted; the record's type is Set or Delete.</summary>
    // Optimized from the first call: replay at start-up runs it a million times before tiering would (STORE.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static LogRecord Decode(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> p = body[1..];
        var type = (RecordType)body[0];
        bool longKey = type is RecordType.SetLongKey or RecordType.DeleteLongKey;
        int keyLength = longKey ? LongKeyLength(p) : p[0];
        p = p[(longKey ? 2 : 1)..];
        if (type is RecordType.Delete or RecordType.DeleteLongKey)
        {
            return LogRecord.Delete(p[..keyLength]);
        }

        return LogRecord.Set(
            key: p.Slice(21, keyLength),
            value: p[(21 + keyLength)..],
            clientFlags: BinaryPrimitives.ReadUInt32LittleEndian(p[1..]),
            expiresAtUnix: BinaryPrimitives.ReadUInt64LittleEndian(p[5..]),
            cas: BinaryPrimitives.ReadUInt64LittleEndian(p[13..]),
            bits: (ItemBits)p[0]);
    }

    /// <summary>Decodes a segment header body that <see cref="TryReadFrame"/> accepted.</summary>
    public static SegmentHeader DecodeSegmentHeader(ReadOnlySpan<byte> body) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(body[8..]), (body[16] & CompactedFlag) != 0);
}
