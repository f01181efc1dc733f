using System.Buffers.Binary;
using System.Text;
using Trove.Storage.Persistence;

namespace Trove.Storage.Tests.Persistence;

public sealed class RecordFormatTests
{
    private static byte[] Encode(in LogRecord record)
    {
        byte[] bytes = new byte[RecordFormat.EncodedLength(record)];
        Assert.Equal(bytes.Length, RecordFormat.Encode(record, bytes));
        return bytes;
    }

    [Fact]
    public void SetRecordLayoutIsAsDocumented()
    {
        byte[] bytes = Encode(LogRecord.Set("k1"u8, "hello"u8, clientFlags: 0x01020304, expiresAtUnix: 1_800_000_000,
            cas: 0x1122334455667788, ItemBits.Stale | ItemBits.BinaryKey));

        // length(4) crc(4) | type(1) keyLen(1) bits(1) flags(4) expiry(8) cas(8) key value
        Assert.Equal(8 + 1 + 22 + 2 + 5, bytes.Length);
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(Crc32C.Compute(bytes.AsSpan(8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((byte)RecordType.Set, bytes[8]);
        Assert.Equal(2, bytes[9]);
        Assert.Equal(3, bytes[10]);
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(11)));
        Assert.Equal(1_800_000_000ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(15)));
        Assert.Equal(0x1122334455667788ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(23)));
        Assert.Equal("k1hello", Encoding.ASCII.GetString(bytes.AsSpan(31)));
    }

    [Fact]
    public void DeleteAndSegmentHeaderLayoutsAreAsDocumented()
    {
        byte[] delete = Encode(LogRecord.Delete("abc"u8));
        Assert.Equal(new byte[] { 5, 0, 0, 0 }, delete[..4]);
        Assert.Equal(new byte[] { 3, 3, (byte)'a', (byte)'b', (byte)'c' }, delete[8..]);

        byte[] header = new byte[RecordFormat.SegmentHeaderRecordLength];
        RecordFormat.EncodeSegmentHeader(new SegmentHeader(0x0102, Compacted: true), header);
        Assert.Equal(25, header.Length);
        Assert.Equal(17u, BinaryPrimitives.ReadUInt32LittleEndian(header));
        Assert.Equal(1, header[8]);
        Assert.Equal("TRVLOG1", Encoding.ASCII.GetString(header.AsSpan(9, 7)));
        Assert.Equal(0x0102ul, BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(16)));
        Assert.Equal(1, header[24]);
        Assert.Equal(FrameStatus.Ok, RecordFormat.TryReadFrame(header, out _, out ReadOnlySpan<byte> body));
        Assert.Equal(new SegmentHeader(0x0102, true), RecordFormat.DecodeSegmentHeader(body));
    }

    [Fact]
    public void RecordTypeValuesAreStable()
    {
        Assert.Equal(1, (byte)RecordType.SegmentHeader);
        Assert.Equal(2, (byte)RecordType.Set);
        Assert.Equal(3, (byte)RecordType.Delete);
        Assert.Equal(1, (byte)ItemBits.Stale);
        Assert.Equal(2, (byte)ItemBits.BinaryKey);
    }

    [Fact]
    public void SetRoundTripsThroughFrameAndDecode()
    {
        byte[] bytes = Encode(LogRecord.Set("key"u8, "value"u8, 7, 99, 12345, ItemBits.BinaryKey));
        Assert.Equal(FrameStatus.Ok, RecordFormat.TryReadFrame(bytes, out int frameLength, out ReadOnlySpan<byte> body));
        Assert.Equal(bytes.Length, frameLength);
        LogRecord record = RecordFormat.Decode(body);
        Assert.Equal(RecordType.Set, record.Type);
        Assert.Equal("key", Encoding.ASCII.GetString(record.Key));
        Assert.Equal("value", Encoding.ASCII.GetString(record.Value));
        Assert.Equal(7u, record.ClientFlags);
        Assert.Equal(99ul, record.ExpiresAtUnix);
        Assert.Equal(12345ul, record.Cas);
        Assert.Equal(ItemBits.BinaryKey, record.Bits);
    }

    [Fact]
    public void EveryPrefixOfARecordIsTruncated()
    {
        byte[] bytes = Encode(LogRecord.Set("key"u8, "value"u8, 1, 2, 3));
        Assert.Equal(FrameStatus.End, RecordFormat.TryReadFrame([], out _, out _));
        for (int length = 1; length < bytes.Length; length++)
        {
            Assert.Equal(FrameStatus.Truncated, RecordFormat.TryReadFrame(bytes.AsSpan(0, length), out _, out _));
        }
    }

    [Fact]
    public void EveryFlippedBitAfterTheLengthIsACheckedFailure()
    {
        byte[] bytes = Encode(LogRecord.Set("key"u8, "value"u8, 1, 2, 3));
        for (int bit = 32; bit < bytes.Length * 8; bit++)
        {
            byte[] copy = bytes.ToArray();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(FrameStatus.BadChecksum, RecordFormat.TryReadFrame(copy, out _, out _));
        }
    }

    [Fact]
    public void ZeroAndHugeLengthsAreBadLengths()
    {
        Assert.Equal(FrameStatus.BadLength, RecordFormat.TryReadFrame(new byte[16], out _, out _));
        byte[] huge = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(huge, uint.MaxValue);
        Assert.Equal(FrameStatus.BadLength, RecordFormat.TryReadFrame(huge, out _, out _));
    }

    [Fact]
    public void ValidChecksumOverUnknownTypeIsMalformed()
    {
        byte[] bytes = new byte[8 + 3];
        bytes[8] = 99;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 3);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C.Compute(bytes.AsSpan(8)));
        Assert.Equal(FrameStatus.Malformed, RecordFormat.TryReadFrame(bytes, out _, out _));
    }

    [Fact]
    public void EmptyOrOverlongKeyIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Encode(LogRecord.Delete([])));
        Assert.Throws<ArgumentException>(() => Encode(LogRecord.Set(new byte[65536], [], 0, 0, 0)));
    }

    [Fact]
    public void SegmentNamesRoundTripAndRejectOthers()
    {
        Assert.Equal("log-00000000000000ff.trv", SegmentFiles.NameOf(255));
        Assert.True(SegmentFiles.TryParse("log-00000000000000ff.trv", out ulong sequence));
        Assert.Equal(255ul, sequence);
        Assert.False(SegmentFiles.TryParse("log-00000000000000FF.trv", out _));
        Assert.False(SegmentFiles.TryParse("log-00000000000000ff.trv.compact.tmp", out _));
        Assert.False(SegmentFiles.TryParse("log-0ff.trv", out _));
    }
}
