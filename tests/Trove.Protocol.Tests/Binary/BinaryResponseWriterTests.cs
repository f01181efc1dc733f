using System.Buffers;
using Trove.Protocol.Binary;

namespace Trove.Protocol.Tests.Binary;

public sealed class BinaryResponseWriterTests
{
    [Fact]
    public void WriteItemLaysOutHeaderFlagsKeyAndValue()
    {
        var output = new ArrayBufferWriter<byte>();

        BinaryResponseWriter.WriteItem(output, (byte)BinaryOpcode.GetK, 0x01020304, 0x1122334455667788, 0xa0b0c0d0, "ab"u8, "xyz"u8);

        byte[] expected =
        [
            0x81, 0x0c, 0x00, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x01, 0x02, 0x03, 0x04,
            0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xa0, 0xb0, 0xc0, 0xd0, (byte)'a', (byte)'b', (byte)'x', (byte)'y', (byte)'z',
        ];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(BinaryStatus.KeyNotFound, "Not found")]
    [InlineData(BinaryStatus.KeyExists, "Data exists for key.")]
    [InlineData(BinaryStatus.TooLarge, "Too large.")]
    [InlineData(BinaryStatus.InvalidArguments, "Invalid arguments")]
    [InlineData(BinaryStatus.NotStored, "Not stored.")]
    [InlineData(BinaryStatus.NonNumeric, "Non-numeric server-side value for incr or decr")]
    [InlineData(BinaryStatus.UnknownCommand, "Unknown command")]
    [InlineData(BinaryStatus.OutOfMemory, "Out of memory")]
    public void WriteErrorSendsTheStatusAndMemcachedsText(BinaryStatus status, string text)
    {
        var output = new ArrayBufferWriter<byte>();

        BinaryResponseWriter.WriteError(output, 0x01, status, 5);

        BinaryHeader header = BinaryHeader.Read(output.WrittenSpan);
        Assert.Equal(BinaryHeader.ResponseMagic, header.Magic);
        Assert.Equal((ushort)status, header.VBucketOrStatus);
        Assert.Equal((uint)text.Length, header.BodyLength);
        Assert.Equal(5u, header.Opaque);
        Assert.Equal(0ul, header.Cas);
        Assert.Equal(text, System.Text.Encoding.ASCII.GetString(output.WrittenSpan[24..]));
    }

    [Fact]
    public void WriteCounterSendsEightBigEndianBytes()
    {
        var output = new ArrayBufferWriter<byte>();

        BinaryResponseWriter.WriteCounter(output, 0x05, 0, 3, 0x0102030405060708);

        Assert.Equal(8u, BinaryHeader.Read(output.WrittenSpan).BodyLength);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, output.WrittenSpan[24..].ToArray());
    }

    [Fact]
    public void HeaderRoundTripsThroughWriteAndRead()
    {
        var header = new BinaryHeader
        {
            Magic = 0x80, Opcode = 0x23, KeyLength = 0xfedc, ExtrasLength = 0xff, DataType = 1, VBucketOrStatus = 0x1234,
            BodyLength = 0xfffffffe, Opaque = 0x89abcdef, Cas = ulong.MaxValue - 1,
        };
        var bytes = new byte[BinaryHeader.Size];

        header.Write(bytes);

        Assert.Equal(header, BinaryHeader.Read(bytes));
    }
}
